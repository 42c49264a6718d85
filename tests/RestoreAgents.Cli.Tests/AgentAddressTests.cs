namespace RestoreAgents.Cli.Tests;

public sealed class AgentAddressTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5020", "http://127.0.0.1:5020/")]
    [InlineData("https://proxy.example:443", "https://proxy.example/")]
    [InlineData("backup-host:5010", "https://backup-host:5010/")]
    [InlineData("  http://[::1]:5020 ", "http://[::1]:5020/")]
    public void AgentAddress_AcceptsHttpUrlsAndHostPort_MeaningHttps(string text, string expected)
    {
        Assert.True(AgentAddress.TryParse(text, out var address, out _));
        Assert.Equal(expected, address.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("ftp://host:21")]
    [InlineData("http://")]
    [InlineData("http://host:notaport")]
    public void AgentAddress_RefusesWhatIsNotAnHttpAddress(string text)
    {
        Assert.False(AgentAddress.TryParse(text, out _, out var problem));
        Assert.Contains("is not an agent address", problem);
    }
}
