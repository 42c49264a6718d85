using System.Diagnostics.Metrics;

namespace RestoreAgents.Testing;

/// <summary>The meter factory a host would give, for a component made outside a host; disposes its meters.</summary>
public sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        lock (_meters) _meters.Add(meter);
        return meter;
    }

    /// <summary>True for a meter this factory made: a test's listener takes only its own component's measurements.</summary>
    public bool Created(Meter meter)
    {
        lock (_meters) return _meters.Contains(meter);
    }

    public void Dispose()
    {
        lock (_meters)
        {
            foreach (var meter in _meters) meter.Dispose();
            _meters.Clear();
        }
    }
}
