using RestoreAgents.DataAgent.Destinations;

namespace RestoreAgents.DataAgent.Tests;

/// <summary>AllowedSasHosts: whole hosts, a port only when named, and no pattern that reaches anywhere.</summary>
public sealed class SasHostPatternTests
{
    [Theory]
    [InlineData("md-*.blob.storage.azure.net", "md-hdd-x1y2.z23.blob.storage.azure.net", true)]
    [InlineData("md-*.blob.storage.azure.net", "MD-ABC.z1.blob.storage.azure.net", true)]
    [InlineData("md-*.blob.storage.azure.net", "md-abc.blob.storage.azure.net.evil.example", false)]
    [InlineData("md-*.blob.storage.azure.net", "evil.example/md-a.blob.storage.azure.net", false)]
    [InlineData("md-*.blob.storage.azure.net", "md-abc.z1.blob.storage.azure.net:8443", false)]
    [InlineData("acct.blob.core.windows.net", "acct.blob.core.windows.net", true)]
    [InlineData("acct.blob.core.windows.net", "acct.blob.core.windows.net:443x", false)]
    [InlineData("127.0.0.1:10000", "127.0.0.1:10000", true)]
    [InlineData("127.0.0.1:10000", "127.0.0.1:10001", false)]
    [InlineData("127.0.0.1:10000", "127.0.0.1", false)]
    [InlineData("127.0.0.1", "127.0.0.1:22", false)]
    public void Matches_TheWholeHost_AndThePortOnlyAsNamed(string pattern, string host, bool matches) =>
        Assert.Equal(matches, SasHostPattern.Parse(pattern).Matches(host));

    [Theory]
    [InlineData("*", "a '*' must come before a domain of at least two labels")]
    [InlineData("*.net", "a '*' must come before a domain of at least two labels")]
    [InlineData("md-*.net", "a '*' must come before a domain of at least two labels")]
    [InlineData("https://acct.blob.core.windows.net", "is not a host name")]
    [InlineData("acct.blob.core.windows.net/restores", "is not a host name")]
    [InlineData("", "is not a host name")]
    public void Parse_RefusesAPatternThatCouldReachHostsNobodyMeant(string pattern, string why)
    {
        var e = Assert.Throws<ArgumentException>(() => SasHostPattern.Parse(pattern));

        Assert.Contains(why, e.Message);
    }
}
