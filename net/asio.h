// The one include of Asio and Beast for net/. Boost 1.74's Asio uses std::exchange without
// including <utility>, which g++ 12 in C++20 mode no longer provides transitively. Beast uses
// std::string_view (not boost::string_view) everywhere in net/: every file that includes Beast
// must include it through here, so the macro is the same in all of them.
#pragma once

#include <utility>

#ifndef BOOST_BEAST_USE_STD_STRING_VIEW
#define BOOST_BEAST_USE_STD_STRING_VIEW
#endif

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace tern::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;

using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

}  // namespace tern::net
