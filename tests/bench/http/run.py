#!/usr/bin/env python3
"""Load benchmark of `tern serve` (issue 8): wrk on loopback against three servers running the
same json-api handler (samples/http/json-api/handler.h):

  native  build/tests/bench/http/http-native-server   the handler compiled into a Beast server
  node    node tests/bench/http/node_server.js         node's http module running json-api.wasm
  tern    build/host/cli/tern serve --abi native       tern running json-api.wasm

For each server and workload (GET /hello, POST /transform with a small JSON document) it
reports requests/s, p50/p99 latency and RSS (VmRSS sampled during the run, VmHWM at the end,
from /proc/PID/status). Then, for tern (--trap-servers to choose), a long run where 10% of the
requests hit GET /trap: every other request must succeed, and RSS is sampled over time.

  tests/bench/http/run.py                          # everything, 10 s per run, 60 s trap run
  tests/bench/http/run.py --servers native,node --duration 5 --trap-duration 0
  BUILD=build-release tests/bench/http/run.py

Exits 1 when a server answers a correctness probe wrongly or the trap run fails a /hello.
Needs wrk (installed with apt-get when missing and this runs as root), node and the build.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..'))

TRANSFORM_DOC = json.dumps({
    'id': 1234, 'name': 'benchmark', 'tags': ['a', 'b', 'c'], 'ratio': 0.25,
    'items': [{'sku': 'x-%d' % i, 'qty': i, 'price': i * 1.5, 'ok': i % 2 == 0} for i in range(8)],
    'meta': {'nested': {'deep': [1, 2, 3, None, True]}},
})


def expected_transform(doc_text):
    """What POST /transform answers (handler.h), computed here independently."""
    doc = json.loads(doc_text)
    stats = dict(values=0, objects=0, arrays=0, strings=0, numbers=0, booleans=0, nulls=0, sum=0.0)

    def walk(j):
        stats['values'] += 1
        if isinstance(j, dict):
            stats['objects'] += 1
        elif isinstance(j, list):
            stats['arrays'] += 1
        elif isinstance(j, str):
            stats['strings'] += 1
        elif isinstance(j, bool):
            stats['booleans'] += 1
        elif j is None:
            stats['nulls'] += 1
        else:
            stats['numbers'] += 1
            stats['sum'] += j
        children = j.values() if isinstance(j, dict) else j if isinstance(j, list) else []
        return 1 + max((walk(c) for c in children), default=0)

    def transform(j):
        if isinstance(j, bool) or j is None:
            return j
        if isinstance(j, (int, float)):
            return j * 2
        if isinstance(j, str):
            return j.upper()
        if isinstance(j, list):
            return [transform(v) for v in j]
        return {k: transform(v) for k, v in j.items()}

    stats['depth'] = walk(doc)
    return {'result': transform(doc), 'stats': stats}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def ensure_wrk():
    if shutil.which('wrk'):
        return
    if os.geteuid() == 0 and shutil.which('apt-get'):
        log('bench-http: installing wrk')
        env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
        subprocess.run(['apt-get', 'install', '-y', '-q', '--no-install-recommends', 'wrk'], env=env, check=False,
                       stdout=subprocess.DEVNULL)
    if not shutil.which('wrk'):
        sys.exit('bench-http: wrk not found (apt install wrk)')


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def proc_status(pid):
    """VmRSS and VmHWM of pid in KiB (None when the process is gone)."""
    out = {}
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                key, _, rest = line.partition(':')
                if key in ('VmRSS', 'VmHWM'):
                    out[key] = int(rest.split()[0])
    except OSError:
        return None
    return out


class RssSampler:
    """Samples VmRSS of a process every `interval` seconds in a thread."""

    def __init__(self, pid, interval):
        self.pid, self.interval, self.samples = pid, interval, []
        self._stop = threading.Event()
        self._start = time.monotonic()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            st = proc_status(self.pid)
            if st:
                self.samples.append((round(time.monotonic() - self._start, 1), st['VmRSS']))
            self._stop.wait(self.interval)

    def stop(self):
        self._stop.set()
        self._thread.join()
        return self.samples


def http(port, method, path, body=None, content_type=None, timeout=5):
    """(status, body bytes) of one request; status 0 when the connection failed."""
    req = urllib.request.Request('http://127.0.0.1:%d%s' % (port, path), method=method,
                                 data=body.encode() if body is not None else None)
    if content_type:
        req.add_header('Content-Type', content_type)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, ConnectionError, socket.timeout):
        return 0, b''


class Server:
    def __init__(self, name, argv, port, log_path):
        self.name, self.argv, self.port = name, argv, port
        self.log_file = open(log_path, 'wb')
        self.proc = subprocess.Popen(argv, stdout=self.log_file, stderr=subprocess.STDOUT, cwd=ROOT)

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            if http(self.port, 'GET', '/hello', timeout=1)[0] == 200:
                return True
            time.sleep(0.1)
        return False

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log_file.close()


def probe(server):
    """Correctness of the handler on this server; returns a list of problems."""
    problems = []
    status, body = http(server.port, 'GET', '/hello')
    if (status, body) != (200, b'hello, world\n'):
        problems.append('GET /hello -> %d %r' % (status, body[:80]))
    status, body = http(server.port, 'POST', '/transform', TRANSFORM_DOC, 'application/json')
    try:
        got = json.loads(body) if status == 200 else None
    except ValueError:
        got = None
    if got != expected_transform(TRANSFORM_DOC):
        problems.append('POST /transform -> %d %r' % (status, body[:120]))
    status, body = http(server.port, 'POST', '/transform', '{"broken"', 'application/json')
    if status != 400:
        problems.append('POST /transform (malformed) -> %d' % status)
    status, _ = http(server.port, 'GET', '/trap')
    if status != 500:
        problems.append('GET /trap -> %d' % status)
    if http(server.port, 'GET', '/hello')[0] != 200:
        problems.append('GET /hello after /trap failed')
    return problems


def run_wrk(port, script, duration, connections, threads, env_extra):
    env = dict(os.environ, **env_extra)
    cmd = ['wrk', '-t%d' % threads, '-c%d' % connections, '-d%ds' % duration, '--timeout', '10s', '-s', script,
           'http://127.0.0.1:%d/' % port]
    out = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         timeout=duration + 60).stdout
    for line in out.splitlines():
        if line.startswith('REPORT '):
            return json.loads(line[len('REPORT '):])
    raise RuntimeError('wrk printed no report:\n' + out)


def server_argv(name, args, port, build, tmp):
    addr = '127.0.0.1:%d' % port
    wasm = os.path.join(build, 'samples', 'json-api.wasm')
    if name == 'native':
        return [os.path.join(build, 'tests', 'bench', 'http', 'http-native-server'), '--listen', addr,
                '--threads', str(args.server_threads)]
    if name == 'node':
        return ['node', os.path.join(HERE, 'node_server.js'), wasm, '--listen', addr]
    if name == 'tern':
        return [os.path.join(build, 'host', 'cli', 'tern'), 'serve', '--abi', 'native', '--listen', addr,
                '--io-threads', str(args.server_threads), '--workers', str(args.server_threads),
                '--timeout', '2s', '--access-log', os.path.join(tmp, 'tern-access.log'), wasm]
    raise ValueError(name)


def tern_serve_available(build):
    tern = os.path.join(build, 'host', 'cli', 'tern')
    if not os.path.exists(tern):
        return False
    r = subprocess.run([tern, 'serve', '--help'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return r.returncode == 0 and '--abi' in r.stdout


WORKLOADS = {
    'hello': dict(BENCH_METHOD='GET', BENCH_PATH='/hello'),
    'transform': dict(BENCH_METHOD='POST', BENCH_PATH='/transform', BENCH_CONTENT_TYPE='application/json'),
}


def bench_server(name, args, build, tmp, results):
    port = free_port()
    srv = Server(name, server_argv(name, args, port, build, tmp), port, os.path.join(tmp, name + '.log'))
    try:
        if not srv.wait_ready():
            log('bench-http: %s did not start (log: %s)' % (name, srv.log_file.name))
            results['failures'].append('%s: did not start' % name)
            return
        problems = probe(srv)
        for p in problems:
            results['failures'].append('%s: %s' % (name, p))
            log('bench-http: %s: %s' % (name, p))
        idle = proc_status(srv.proc.pid)
        for workload in args.workloads:
            sampler = RssSampler(srv.proc.pid, 0.5)
            rep = run_wrk(port, os.path.join(HERE, 'wrk_report.lua'), args.duration, args.connections,
                          args.wrk_threads, WORKLOADS[workload])
            samples = sampler.stop()
            st = proc_status(srv.proc.pid) or {}
            rep.update(server=name, workload=workload, rps=rep['requests'] / (rep['duration_us'] / 1e6),
                       rss_idle_kib=idle['VmRSS'] if idle else None,
                       rss_max_sampled_kib=max((s[1] for s in samples), default=None),
                       vmhwm_kib=st.get('VmHWM'))
            results['runs'].append(rep)
            log('bench-http: %-6s %-9s %9.0f req/s  p50 %6d us  p99 %6d us  RSS %s KiB  non-200 %d' % (
                name, workload, rep['rps'], rep['latency_us']['p50'], rep['latency_us']['p99'],
                rep['rss_max_sampled_kib'], rep['non_200']))
    finally:
        srv.stop()


def trap_run(name, args, build, tmp, results):
    port = free_port()
    srv = Server(name, server_argv(name, args, port, build, tmp), port, os.path.join(tmp, name + '-trap.log'))
    try:
        if not srv.wait_ready():
            results['failures'].append('%s (trap run): did not start' % name)
            return
        sampler = RssSampler(srv.proc.pid, 5.0)
        rep = run_wrk(port, os.path.join(HERE, 'wrk_trap_mix.lua'), args.trap_duration, args.connections,
                      args.wrk_threads, {})
        samples = sampler.stop()
        alive = srv.proc.poll() is None and http(port, 'GET', '/hello')[0] == 200
        st = proc_status(srv.proc.pid) or {}
        unanswered = rep['hello_sent'] - rep['hello_ok']
        failed = rep['other'] + max(0, rep['trap_500'] - rep['trap_sent']) + max(0, unanswered - args.connections)
        rep.update(server=name, rps=rep['requests'] / (rep['duration_us'] / 1e6), rss_samples_kib=samples,
                   vmhwm_kib=st.get('VmHWM'), alive_after=alive, hello_failed=failed)
        results['trap_runs'].append(rep)
        socket_errors = sum(rep['socket_errors'].values())
        log('bench-http: trap run %s: %d requests (%.0f/s), /hello ok %d of %d sent, /trap 500 %d of %d, '
            'other %d, socket errors %d, alive after: %s' % (
                name, rep['requests'], rep['rps'], rep['hello_ok'], rep['hello_sent'], rep['trap_500'],
                rep['trap_sent'], rep['other'], socket_errors, alive))
        log('bench-http: trap run %s: RSS KiB over time: %s' % (name, ' '.join('%gs:%d' % s for s in samples)))
        if failed or socket_errors or not alive:
            results['failures'].append('%s (trap run): %d /hello failed, %d socket errors, alive after: %s' % (
                name, failed, socket_errors, alive))
    finally:
        srv.stop()


def print_table(results):
    print('\n| server | workload | requests/s | p50 ms | p99 ms | RSS during run MiB | VmHWM MiB | non-200 |')
    print('|---|---|---:|---:|---:|---:|---:|---:|')
    for r in results['runs']:
        mib = lambda k: '%.1f' % (r[k] / 1024) if r.get(k) else '-'
        print('| %s | %s | %.0f | %.2f | %.2f | %s | %s | %d |' % (
            r['server'], r['workload'], r['rps'], r['latency_us']['p50'] / 1000, r['latency_us']['p99'] / 1000,
            mib('rss_max_sampled_kib'), mib('vmhwm_kib'), r['non_200']))
    for r in results['trap_runs']:
        print('\ntrap run (%s, %d s, 10%% GET /trap): %d requests, %.0f/s; /hello ok %d of %d sent '
              '(failed %d); /trap answered 500: %d of %d; socket errors %s; p50 %.2f ms, p99 %.2f ms' % (
                  r['server'], r['duration_us'] // 1000000, r['requests'], r['rps'], r['hello_ok'], r['hello_sent'],
                  r['hello_failed'], r['trap_500'], r['trap_sent'], r['socket_errors'],
                  r['latency_us']['p50'] / 1000, r['latency_us']['p99'] / 1000))
        print('RSS MiB over time: ' + ', '.join('%gs %.1f' % (t, kib / 1024) for t, kib in r['rss_samples_kib']))
    for f in results['failures']:
        print('!!! ' + f)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--build', default=os.environ.get('BUILD', os.path.join(ROOT, 'build')))
    ap.add_argument('--servers', default='native,node,tern')
    ap.add_argument('--workloads', default='hello,transform')
    ap.add_argument('--duration', type=int, default=10, help='seconds per wrk run')
    ap.add_argument('--connections', type=int, default=32)
    ap.add_argument('--wrk-threads', type=int, default=2)
    ap.add_argument('--server-threads', type=int, default=2, help='native threads; tern I/O threads and workers')
    ap.add_argument('--trap-duration', type=int, default=60, help='seconds of the trap run; 0 skips it')
    ap.add_argument('--trap-servers', default='tern', help='servers of the trap run (node, native or tern)')
    ap.add_argument('--json', help='also write all results to this file')
    args = ap.parse_args()
    args.workloads = args.workloads.split(',')
    build = os.path.abspath(args.build)

    ensure_wrk()
    servers = [s for s in args.servers.split(',') if s]
    if 'tern' in servers and not tern_serve_available(build):
        log('bench-http: %s/host/cli/tern has no `serve` command: tern skipped' % build)
        servers.remove('tern')
    results = {'runs': [], 'trap_runs': [], 'failures': [],
               'config': dict(duration=args.duration, connections=args.connections, wrk_threads=args.wrk_threads,
                              server_threads=args.server_threads, cpus=os.cpu_count(),
                              loadavg=open('/proc/loadavg').read().split()[:3])}
    with tempfile.TemporaryDirectory() as tmp:
        body_file = os.path.join(tmp, 'transform.json')
        with open(body_file, 'w') as f:
            f.write(TRANSFORM_DOC)
        WORKLOADS['transform']['BENCH_BODY_FILE'] = body_file
        for name in servers:
            bench_server(name, args, build, tmp, results)
        if args.trap_duration > 0:
            for name in args.trap_servers.split(','):
                if name in servers:
                    trap_run(name, args, build, tmp, results)
    print_table(results)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(results, f, indent=1)
    return 1 if results['failures'] else 0


if __name__ == '__main__':
    sys.exit(main())
