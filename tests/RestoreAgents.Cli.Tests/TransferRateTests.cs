using RestoreAgents.Cli.Rendering;

namespace RestoreAgents.Cli.Tests;

public sealed class TransferRateTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void TransferRate_IsUnknown_UntilSamplesSpanHalfASecond()
    {
        var rate = new TransferRate(_time);
        rate.Add(0);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        rate.Add(1_000);

        Assert.Null(rate.BytesPerSecond);
        Assert.Null(rate.EstimateRemaining(1_000));
    }

    [Fact]
    public void TransferRate_FollowsTheRecentSpeed_NotTheAverageSinceStart()
    {
        var rate = new TransferRate(_time, TimeSpan.FromSeconds(10));
        long bytes = 0;
        for (int i = 0; i < 30; i++)
        {
            rate.Add(bytes);
            _time.Advance(TimeSpan.FromSeconds(1));
            bytes += 1_000;
        }
        for (int i = 0; i < 30; i++)
        {
            rate.Add(bytes);
            _time.Advance(TimeSpan.FromSeconds(1));
            bytes += 4_000;
        }

        Assert.Equal(4_000, rate.BytesPerSecond!.Value, precision: 6);
        Assert.Equal(TimeSpan.FromSeconds(10), rate.EstimateRemaining(40_000));
    }

    [Fact]
    public void TransferRate_EstimatesZero_WhenNothingRemains() =>
        Assert.Equal(TimeSpan.Zero, new TransferRate(_time).EstimateRemaining(0));
}
