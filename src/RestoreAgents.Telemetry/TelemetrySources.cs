using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace RestoreAgents.Telemetry;

/// <summary>
/// How a component names and versions its ActivitySource and Meter: under <see cref="Prefix"/>, with its assembly's
/// version. A source is static (free when nobody listens); a meter comes from the host's IMeterFactory.
/// </summary>
public static class TelemetrySources
{
    /// <summary>Every ActivitySource and Meter of the product is named under this prefix.</summary>
    public const string Prefix = "RestoreAgents";

    /// <summary>The source named <paramref name="name"/>, versioned as the assembly of <paramref name="component"/>.</summary>
    public static ActivitySource CreateSource(string name, Type component) => new(name, VersionOf(component));

    /// <summary>The meter named <paramref name="name"/>, versioned as the assembly of <paramref name="component"/>.</summary>
    public static Meter CreateMeter(IMeterFactory factory, string name, Type component)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return factory.Create(new MeterOptions(name) { Version = VersionOf(component) });
    }

    public static string VersionOf(Type component)
    {
        ArgumentNullException.ThrowIfNull(component);
        var assembly = component.Assembly;
        return assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
               ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
    }
}
