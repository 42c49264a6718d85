using Azure.Core;

namespace RestoreAgents.Cloud.Tests;

public sealed class CloudOptionsTests
{
    [Fact]
    public void Defaults_AreTheContractsRetrySettings()
    {
        var options = new CloudOptions();

        options.Validate();
        Assert.Equal(5, options.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(0.5), options.RetryDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), options.MaxRetryDelay);
        Assert.Equal(TimeSpan.FromSeconds(100), options.NetworkTimeout);
        Assert.Equal(TimeSpan.FromMinutes(30), options.ThrottleDeadline);
    }

    [Fact]
    public void ToClientOptions_LeavesPageWritesToTheBlobsPacer()
    {
        Assert.IsType<PacedWritesRetryPolicy>(new CloudOptions().ToClientOptions().RetryPolicy);
    }

    [Fact]
    public void Validate_NamesAThrottleDeadlineThatIsNotPositive()
    {
        var e = Assert.Throws<ArgumentException>(new CloudOptions { ThrottleDeadline = TimeSpan.Zero }.Validate);

        Assert.Contains("ThrottleDeadline", e.Message);
    }

    [Fact]
    public void ToClientOptions_SetsExponentialRetries_FromTheSettings()
    {
        var settings = new CloudOptions
        {
            MaxRetries = 7, RetryDelay = TimeSpan.FromSeconds(2), MaxRetryDelay = TimeSpan.FromSeconds(9),
            NetworkTimeout = TimeSpan.FromSeconds(11),
        };

        var retry = settings.ToClientOptions().Retry;

        Assert.Equal(RetryMode.Exponential, retry.Mode);
        Assert.Equal(7, retry.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(2), retry.Delay);
        Assert.Equal(TimeSpan.FromSeconds(9), retry.MaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(11), retry.NetworkTimeout);
    }

    [Theory]
    [InlineData(-1, 0.5, 30, 100, "MaxRetries is -1")]
    [InlineData(101, 0.5, 30, 100, "MaxRetries is 101")]
    [InlineData(5, -1, 30, 100, "RetryDelay")]
    [InlineData(5, 10, 5, 100, "MaxRetryDelay")]
    [InlineData(5, 0.5, 30, 0, "NetworkTimeout")]
    public void Validate_NamesTheSettingThatCannotWork(int retries, double delay, double maxDelay, double timeout,
        string named)
    {
        var options = new CloudOptions
        {
            MaxRetries = retries, RetryDelay = TimeSpan.FromSeconds(delay),
            MaxRetryDelay = TimeSpan.FromSeconds(maxDelay), NetworkTimeout = TimeSpan.FromSeconds(timeout),
        };

        var e = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains(named, e.Message);
    }
}
