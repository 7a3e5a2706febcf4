// The `dane` command-line tool: each subcommand lives in its own cmd_*.cpp and registers
// itself here, so adding a command touches no other file but examples/meson.build.
#pragma once

#include <cstdio>
#include <fstream>
#include <functional>
#include <initializer_list>
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

// A command line of `--name VALUE` options, `--name` flags and positional arguments ("-"
// is positional: standard input). The last of a repeated option counts.
struct options {
    std::map<std::string_view, std::string_view> values;
    std::vector<std::string_view> flags;
    std::vector<std::string_view> positional;

    std::optional<std::string_view> value(std::string_view name) const {
        auto it = values.find(name);
        if (it == values.end()) return std::nullopt;
        return it->second;
    }
    bool flag(std::string_view name) const {
        for (auto f : flags)
            if (f == name) return true;
        return false;
    }
};

// Reads `a` for COMMAND; an option missing its value, or one not named in `valued` or
// `flags`, prints a usage error and gives nullopt (then exit with exit_usage).
inline std::optional<options> parse_options(args a, std::string_view command,
                                            std::string_view usage,
                                            std::initializer_list<std::string_view> valued,
                                            std::initializer_list<std::string_view> flags) {
    auto named = [](std::initializer_list<std::string_view> list, std::string_view n) {
        for (auto x : list)
            if (x == n) return true;
        return false;
    };
    options out;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (named(valued, a[i])) {
            if (i + 1 == a.size()) {
                usage_error(usage);
                return std::nullopt;
            }
            out.values[a[i]] = a[i + 1];
            ++i;
        } else if (named(flags, a[i])) {
            out.flags.push_back(a[i]);
        } else if (a[i].starts_with("-") && a[i] != "-") {
            usage_error(std::string(command) + ": unknown option '" + std::string(a[i]) + "'");
            return std::nullopt;
        } else {
            out.positional.push_back(a[i]);
        }
    }
    return out;
}

} // namespace dane_tool
