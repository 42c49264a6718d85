namespace RestoreAgents.Install.Tests;

/// <summary>The settings file reader and editor the install tests configure the agents with.</summary>
public sealed class EnvironmentFileTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"settings-{Guid.NewGuid():N}.env");

    [Fact]
    public void Read_SkipsCommentsAndBlankLines_AndUnquotesValues()
    {
        File.WriteAllText(_path, "# comment\n\n; other\nA=1\nB=\"two words\"\n C = 'x' \n");

        Assert.Equal([new("A", "1"), new("B", "two words"), new("C", "x")], EnvironmentFile.Read(_path));
    }

    [Fact]
    public void Set_ReplacesTheOneLineOfItsKey_KeepingTheRest()
    {
        File.WriteAllText(_path, "# listen here\nASPNETCORE_URLS=http://0.0.0.0:5010\n#ASPNETCORE_URLS_NOT=1\nX=1\n");

        EnvironmentFile.Set(_path, "ASPNETCORE_URLS", "http://127.0.0.1:4000");

        Assert.Equal("# listen here\nASPNETCORE_URLS=http://127.0.0.1:4000\n#ASPNETCORE_URLS_NOT=1\nX=1\n",
            File.ReadAllText(_path));
        Assert.Throws<InvalidOperationException>(() => EnvironmentFile.Set(_path, "MISSING", "1"));
    }

    [Fact]
    public void Add_AppendsASettingTheFileOnlyDocuments_AndRefusesOneItSets()
    {
        File.WriteAllText(_path, "#DataAgent__MediaAgents__backup__Url=http://backup-host:5010\nX=1\n");

        EnvironmentFile.Add(_path, "DataAgent__MediaAgents__backup__Url", "http://127.0.0.1:4000");

        Assert.Equal("#DataAgent__MediaAgents__backup__Url=http://backup-host:5010\nX=1\n"
            + "DataAgent__MediaAgents__backup__Url=http://127.0.0.1:4000\n", File.ReadAllText(_path));
        Assert.Throws<InvalidOperationException>(() => EnvironmentFile.Add(_path, "X", "2"));
    }

    public void Dispose() => File.Delete(_path);
}
