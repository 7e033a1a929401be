;; _start never returns: only --timeout stops it.
(module
  (func (export "_start") (loop $l (br $l))))
