namespace RestoreAgents.Install.Tests;

/// <summary>The unit file reader: what the install tests apply must be read as systemd reads it.</summary>
public sealed class SystemdUnitTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"unit-{Guid.NewGuid():N}.service");

    [Fact]
    public void Load_ReadsServiceSettings_JoiningContinuedLines_SkippingCommentsAndOtherSections()
    {
        File.WriteAllText(_path, """
            [Unit]
            User=not-this-one
            [Service]
            # a comment
            ; another
            ExecStart=dotnet \
              /opt/x/X.dll --flag
            User=first
            User=second
            """);

        var unit = SystemdUnit.Load(_path);

        Assert.Equal(["dotnet /opt/x/X.dll --flag"], unit.All("ExecStart"));
        Assert.Equal("second", unit.Last("User"));
        Assert.Null(unit.Last("Group"));
    }

    [Fact]
    public void All_StartsAgainAfterAnEmptyAssignment_AndEnablesReadsBooleans()
    {
        File.WriteAllText(_path, """
            [Service]
            Environment=A=1
            Environment=
            Environment=B=2 "C=3 4"
            CapabilityBoundingSet=
            NoNewPrivileges=no
            ProtectSystem=strict
            """);

        var unit = SystemdUnit.Load(_path);

        Assert.Equal(["B=2 \"C=3 4\""], unit.All("Environment"));
        Assert.Equal(["B=2", "C=3 4"], CommandLine.Split(unit.All("Environment")[0]));
        Assert.Equal("", unit.Last("CapabilityBoundingSet"));
        Assert.False(unit.Enables("NoNewPrivileges"));
        Assert.True(unit.Enables("ProtectSystem"));
        Assert.False(unit.Enables("PrivateTmp"));
    }

    public void Dispose() => File.Delete(_path);
}
