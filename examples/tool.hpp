// The `dane` command-line tool: each subcommand lives in its own cmd_*.cpp and registers
// itself here, so adding a command touches no other file but examples/meson.build.
#pragma once

#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace dane_tool {

using args = std::span<const std::string_view>;

struct command_info {
    std::string_view usage;   // one line: "decode [--hex] FILE"
    std::string_view summary; // what it does
    std::function<int(args)> run;
};

// Exit codes shared by every subcommand.
inline constexpr int exit_ok = 0;
inline constexpr int exit_not_ok = 1; // the check ran and said no
inline constexpr int exit_usage = 2;  // bad usage or unreadable input

inline std::map<std::string_view, command_info>& registry() {
    static std::map<std::string_view, command_info> commands;
    return commands;
}

struct registration {
    registration(std::string_view name, command_info info) {
        registry().emplace(name, std::move(info));
    }
};

// Reads a whole file, or standard input for "-". nullopt when it cannot be read.
inline std::optional<std::string> read_input(std::string_view path) {
    if (path == "-") {
        return std::string(std::istreambuf_iterator<char>(std::cin), {});
    }
    std::ifstream in{std::string(path), std::ios::binary};
    if (!in) return std::nullopt;
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad()) return std::nullopt;
    return s.str();
}

inline int usage_error(std::string_view message) {
    std::cerr << "dane: " << message << "\n";
    return exit_usage;
}

} // namespace dane_tool
