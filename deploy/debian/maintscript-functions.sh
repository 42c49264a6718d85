# Shared by the RestoreAgents maintainer scripts: scripts/package puts this file where a script says
# #RESTOREAGENTS_FUNCTIONS#, as debhelper does with #DEBHELPER#.

# restoreagents_set_owner_mode OWNER GROUP MODE PATH, unless the admin set other ones with dpkg-statoverride.
restoreagents_set_owner_mode() {
    if dpkg-statoverride --list "$4" >/dev/null 2>&1; then
        return 0
    fi
    chown "$1:$2" "$4"
    chmod "$3" "$4"
}

# restoreagents_make_folder OWNER GROUP MODE PATH
restoreagents_make_folder() {
    mkdir -p "$4"
    restoreagents_set_owner_mode "$@"
}

# restoreagents_require_dotnet "NAME MAJOR"...: fails the configuration, saying what to install, unless the dotnet
# that systemd starts (the first on its search path, not the caller's PATH) has these shared frameworks.
restoreagents_require_dotnet() {
    search_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    dotnet=""
    for folder in $(echo "$search_path" | tr ':' ' '); do
        if [ -x "$folder/dotnet" ]; then
            dotnet="$folder/dotnet"
            break
        fi
    done
    if [ -z "$dotnet" ]; then
        echo "error: $DPKG_MAINTSCRIPT_PACKAGE runs on .NET, but no 'dotnet' is on $search_path." >&2
        echo "Install the .NET runtime ($*) so that 'dotnet' is there (a link to it in /usr/bin or" >&2
        echo "/usr/local/bin will do), then finish with: dpkg --configure -a" >&2
        exit 1
    fi
    runtimes=$("$dotnet" --list-runtimes 2>/dev/null || true)
    for framework in "$@"; do
        name=${framework% *}
        major=${framework#* }
        if ! printf '%s\n' "$runtimes" | grep -q "^$name $major\."; then
            echo "error: $DPKG_MAINTSCRIPT_PACKAGE needs the shared framework $name $major.x, which $dotnet" >&2
            echo "does not have (dotnet --list-runtimes). Install it, then finish with: dpkg --configure -a" >&2
            exit 1
        fi
    done
}

# systemd is asked only when it runs: not in containers, chroots or build machines.
restoreagents_systemd_running() {
    [ -d /run/systemd/system ]
}
