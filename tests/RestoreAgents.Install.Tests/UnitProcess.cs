using System.Diagnostics;
using System.Text;
using RestoreAgents.Testing;

namespace RestoreAgents.Install.Tests;

/// <summary>
/// A unit's service started the way systemd starts it on a booted host, as far as that goes without systemd: the
/// ExecStart= command (a bare name found on systemd's search path) as User= and Group=, in a clean environment with
/// Environment= and EnvironmentFile= applied, with UMask=, WorkingDirectory=, CapabilityBoundingSet= and
/// NoNewPrivileges= (set, or implied for a User= service by the settings that need seccomp), after making the
/// RuntimeDirectory=, StateDirectory= and CacheDirectory= folders with their owner and mode. Stopped with
/// KillSignal= and TimeoutStopSec=, as systemctl stop does. Namespaces (ProtectSystem=, PrivateTmp=, ...) need
/// systemd: systemd-analyze verify checks those settings instead.
/// </summary>
public sealed class UnitProcess : IAsyncDisposable
{
    /// <summary>Where systemd finds a command named without a path (systemd-path search-binaries-default).</summary>
    public const string SearchPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    /// <summary>For a service with User=, these need seccomp and so turn NoNewPrivileges on (systemd.exec(5)).</summary>
    private static readonly string[] SettingsImplyingNoNewPrivileges =
    [
        "DynamicUser", "LockPersonality", "MemoryDenyWriteExecute", "PrivateDevices", "ProtectClock",
        "ProtectHostname", "ProtectKernelLogs", "ProtectKernelModules", "ProtectKernelTunables",
        "RestrictAddressFamilies", "RestrictNamespaces", "RestrictRealtime", "RestrictSUIDSGID",
        "SystemCallArchitectures", "SystemCallFilter", "SystemCallLog",
    ];

    /// <summary>Settings that change what runs or who runs it and that this runner cannot apply.</summary>
    private static readonly string[] Unsupported =
    [
        "ExecStartPre", "ExecStartPost", "AmbientCapabilities", "SupplementaryGroups", "PrivateUsers", "RootDirectory",
        "RootImage", "DynamicUser",
    ];

    private static readonly (string Setting, string Root, string Variable)[] ServiceFolders =
    [
        ("RuntimeDirectory", "/run", "RUNTIME_DIRECTORY"),
        ("StateDirectory", "/var/lib", "STATE_DIRECTORY"),
        ("CacheDirectory", "/var/cache", "CACHE_DIRECTORY"),
        ("LogsDirectory", "/var/log", "LOGS_DIRECTORY"),
    ];

    private readonly Process _process;
    private readonly SystemdUnit _unit;
    private readonly IReadOnlyList<string> _runtimeFolders;
    private readonly StringBuilder _output = new();
    private readonly List<Uri> _listeningOn = [];
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private UnitProcess(Process process, SystemdUnit unit, IReadOnlyList<string> runtimeFolders,
        IReadOnlyDictionary<string, string> environment)
    {
        _process = process;
        _unit = unit;
        _runtimeFolders = runtimeFolders;
        Environment = environment;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    /// <summary>The environment the service was started with.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>The addresses Kestrel said it listens on.</summary>
    public IReadOnlyList<Uri> ListeningOn
    {
        get { lock (_output) return [.. _listeningOn]; }
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Null while it runs; its exit code, or 128 + the signal that ended it, once stopped.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Starts the service and returns once Kestrel listens (after the hosted services have started).</summary>
    public static async Task<UnitProcess> StartAsync(SystemdUnit unit)
    {
        foreach (var setting in Unsupported)
            if (unit.Last(setting) is not null)
                throw new NotSupportedException($"{unit.Name} sets {setting}=, which this runner cannot apply");
        var userName = unit.Last("User")
            ?? throw new NotSupportedException($"{unit.Name} runs as root (no User=); this runner starts User= services");
        var account = await Account.FindAsync(userName)
            ?? throw new InvalidOperationException($"{unit.Name}: User={userName} does not exist, so systemd would not start it");
        int gid = unit.Last("Group") is { } group
            ? await Account.FindGroupAsync(group)
                ?? throw new InvalidOperationException($"{unit.Name}: Group={group} does not exist")
            : account.Gid;

        var environment = ServiceEnvironment(unit, account);
        var runtimeFolders = await MakeServiceFoldersAsync(unit, account.Uid, gid, environment);
        var start = new ProcessStartInfo("/usr/bin/setpriv")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Clear();
        foreach (var (key, value) in environment) start.Environment[key] = value;
        foreach (var argument in SetprivArguments(unit, account, gid)) start.ArgumentList.Add(argument);

        var process = Process.Start(start) ?? throw new InvalidOperationException("setpriv did not start");
        process.StandardInput.Close();
        var service = new UnitProcess(process, unit, runtimeFolders, environment);
        try
        {
            await service.WaitUntilListeningAsync();
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
        return service;
    }

    /// <summary>
    /// As systemctl stop: KillSignal=, and SIGKILL once TimeoutStopSec= has passed; then the runtime folders go.
    /// </summary>
    public async Task<ServiceStop> StopAsync()
    {
        bool inTime = true;
        if (!_process.HasExited)
        {
            var signal = (_unit.Last("KillSignal") ?? "SIGTERM").Replace("SIG", "", StringComparison.Ordinal);
            await ProcessRunner.RunAsync("kill", ["-s", signal, _process.Id.ToString()]);
            try
            {
                await _process.WaitForExitAsync().WaitAsync(Seconds(_unit.Last("TimeoutStopSec") ?? "90"));
            }
            catch (TimeoutException)
            {
                inTime = false;
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        var mountsLeft = _runtimeFolders.Where(MountTable.AnyMountUnder).ToList();
        await RemoveRuntimeFoldersAsync();
        return new ServiceStop(inTime, _process.ExitCode, mountsLeft);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private async Task WaitUntilListeningAsync()
    {
        var exited = _process.WaitForExitAsync();
        try
        {
            var first = await Task.WhenAny(_listening.Task, exited).WaitAsync(StartTimeout);
            if (first == exited)
                throw new InvalidOperationException(
                    $"{_unit.Name} exited with {_process.ExitCode} before it listened:\n{Output}");
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{_unit.Name} did not listen within {StartTimeout.TotalSeconds} s:\n{Output}");
        }
    }

    /// <summary>What systemd gives a system service, then Environment=, then EnvironmentFile= (which wins).</summary>
    private static Dictionary<string, string> ServiceEnvironment(SystemdUnit unit, Account account)
    {
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = SearchPath,
            ["HOME"] = account.Home,
            ["USER"] = account.Name,
            ["LOGNAME"] = account.Name,
            ["SHELL"] = account.Shell,
        };
        foreach (var assignment in unit.All("Environment").SelectMany(CommandLine.Split))
        {
            var equals = assignment.IndexOf('=');
            if (equals <= 0) throw new FormatException($"{unit.Name}: Environment={assignment} is no KEY=VALUE");
            environment[assignment[..equals]] = assignment[(equals + 1)..];
        }
        foreach (var file in unit.All("EnvironmentFile"))
        {
            var path = file.TrimStart('-');
            if (!File.Exists(path))
            {
                if (file.StartsWith('-')) continue;
                throw new InvalidOperationException(
                    $"{unit.Name}: EnvironmentFile={path} is missing, so systemd would refuse to start it");
            }
            foreach (var (key, value) in EnvironmentFile.Read(path)) environment[key] = value;
        }
        return environment;
    }

    /// <summary>RuntimeDirectory= and the like: made (parents root's), owned by the service, with their mode.</summary>
    private static async Task<IReadOnlyList<string>> MakeServiceFoldersAsync(SystemdUnit unit, int uid, int gid,
        Dictionary<string, string> environment)
    {
        var runtimeFolders = new List<string>();
        foreach (var (setting, root, variable) in ServiceFolders)
        {
            var paths = unit.All(setting).SelectMany(CommandLine.Split).Select(name => Path.Combine(root, name)).ToList();
            if (paths.Count == 0) continue;
            var mode = unit.Last(setting + "Mode") ?? "0755";
            foreach (var path in paths)
            {
                // The service's own folders: a dead mount there is what a killed data agent left (systemd would
                // start the service over it, and the agent could not clear a mount another user made); a live one
                // is another process's (a data agent run by hand?).
                await MountTable.ClearDeadFuseMountsUnderAsync(path);
                if (MountTable.AnyMountUnder(path))
                    throw new InvalidOperationException(
                        $"{unit.Name}: {path} holds a mount that is not this service's (see /proc/self/mountinfo); "
                        + $"whatever mounted it uses the packaged agent's folder: stop it, or 'fusermount3 -u -z {path}'");
                Directory.CreateDirectory(path);
                await ProcessRunner.RunCheckedAsync("chown", $"{uid}:{gid}", path);
                await ProcessRunner.RunCheckedAsync("chmod", mode, path);
            }
            environment[variable] = string.Join(':', paths);
            if (setting == "RuntimeDirectory") runtimeFolders.AddRange(paths);
        }
        return runtimeFolders;
    }

    private static List<string> SetprivArguments(SystemdUnit unit, Account account, int gid)
    {
        List<string> arguments = [$"--reuid={account.Uid}", $"--regid={gid}", "--init-groups"];
        if (unit.Last("CapabilityBoundingSet") is not null)
        {
            var capabilities = unit.All("CapabilityBoundingSet").SelectMany(CommandLine.Split).ToList();
            if (capabilities.Any(c => c.StartsWith('~')))
                throw new NotSupportedException($"{unit.Name}: an inverted CapabilityBoundingSet= is not applied here");
            // setpriv names them without CAP_ and in lower case: -all,+sys_admin
            arguments.Add("--bounding-set=" + string.Join(',',
                ["-all", .. capabilities.Select(c => "+" + c.ToLowerInvariant().Replace("cap_", "", StringComparison.Ordinal))]));
        }
        if (unit.Enables("NoNewPrivileges") || SettingsImplyingNoNewPrivileges.Any(unit.Enables))
            arguments.Add("--no-new-privs");

        var umask = unit.Last("UMask") ?? "0022";
        var workingDirectory = unit.Last("WorkingDirectory") is { } folder
            ? folder.Replace("~", account.Home, StringComparison.Ordinal)
            : "/";
        arguments.AddRange(["--", "/bin/sh", "-c", "umask \"$1\" && cd \"$2\" && shift 2 && exec \"$@\"", "sh", umask,
            workingDirectory, .. ExecStart(unit)]);
        return arguments;
    }

    /// <summary>The one ExecStart= command, its program found as systemd finds it.</summary>
    private static IReadOnlyList<string> ExecStart(SystemdUnit unit)
    {
        var lines = unit.All("ExecStart");
        if (lines.Count != 1)
            throw new FormatException($"{unit.Name} has {lines.Count} ExecStart= lines, where its Type= takes one");
        var line = lines[0];
        if (line[0] is '@' or '-' or ':' or '+' or '!' || line.Contains('%') || line.Contains('$'))
            throw new NotSupportedException($"{unit.Name}: prefixes, specifiers and variables are not applied here: {line}");
        var words = CommandLine.Split(line);
        var program = words[0].StartsWith('/')
            ? words[0]
            : SearchPath.Split(':').Select(folder => Path.Combine(folder, words[0])).FirstOrDefault(File.Exists)
              ?? throw new InvalidOperationException($"{unit.Name}: '{words[0]}' is not on systemd's search path {SearchPath}");
        return [program, .. words.Skip(1)];
    }

    /// <summary>systemd removes RuntimeDirectory= when the service stops; a mount left there would keep it.</summary>
    private async Task RemoveRuntimeFoldersAsync()
    {
        if (_unit.Enables("RuntimeDirectoryPreserve")) return;
        foreach (var folder in _runtimeFolders.Where(Directory.Exists))
        {
            // A mount the service left (StopAsync reports it) must not take its files with it.
            if (MountTable.AnyMountUnder(folder)) await ProcessRunner.RunAsync("umount", ["-R", "-l", folder]);
            if (!MountTable.AnyMountUnder(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    private static TimeSpan Seconds(string value) =>
        int.TryParse(value.TrimEnd('s'), out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : throw new NotSupportedException($"TimeoutStopSec={value}: only seconds are read here");

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.AppendLine(line);
            const string Listening = "Now listening on: ";
            var at = line.IndexOf(Listening, StringComparison.Ordinal);
            if (at < 0) return;
            _listeningOn.Add(new Uri(line[(at + Listening.Length)..].Trim()));
        }
        _listening.TrySetResult();
    }
}
