// A socket of the test's own on the loopback address (127.0.0.1 or ::1), bound to a port
// the kernel picks; a stream socket is listening unless asked not to (a port that
// refuses connections). Shared by the transport and SMTP session tests.
#pragma once

#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include "dane/io/endpoint.hpp"
#include "dane/io/socket.hpp"

struct local_socket {
    dane::io::file_descriptor fd;
    dane::io::endpoint where;

    explicit local_socket(int type, bool ipv6 = false, bool listening = true) {
        namespace io = dane::io;
        fd = io::file_descriptor(::socket(ipv6 ? AF_INET6 : AF_INET, type, 0));
        REQUIRE(fd.valid());
        auto e = io::parse_address(ipv6 ? "::1" : "127.0.0.1", 0); // port 0: the kernel picks
        REQUIRE(e);
        auto a = io::to_socket_address(*e);
        REQUIRE(a);
        REQUIRE(::bind(fd.get(), a->get(), a->size) == 0);
        auto bound = io::local_endpoint(fd.get());
        REQUIRE(bound);
        where = *bound;
        if (type == SOCK_STREAM && listening) REQUIRE(::listen(fd.get(), 4) == 0);
    }
};
