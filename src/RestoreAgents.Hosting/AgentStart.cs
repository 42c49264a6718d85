using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace RestoreAgents.Hosting;

/// <summary>
/// Runs an agent as its Program does: every setting is bound and checked before the host starts, and one that
/// cannot work ends the process with one line per problem on stderr ("error: SETTING is VALUE; it must be RULE")
/// and <see cref="BadSetting"/>, never a stack trace or an abort.
/// </summary>
public static class AgentStart
{
    /// <summary>EX_CONFIG of sysexits.h; the units' RestartPreventExitStatus names it, so systemd does not retry.</summary>
    public const int BadSetting = 78;

    public static async Task<int> RunAsync(Func<WebApplication> build, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(build);
        ArgumentNullException.ThrowIfNull(error);
        WebApplication app;
        try
        {
            app = build();
            // What Host.StartAsync would do first, done here so a failure is ours to report: the ValidateOnStart
            // checks, then the hosted services and the singletons they bind their settings into.
            app.Services.GetService<IStartupValidator>()?.Validate();
            _ = app.Services.GetServices<IHostedService>().ToList();
        }
        catch (Exception failure) when (SettingProblems.Of(failure) is { Count: > 0 } problems)
        {
            foreach (var problem in problems)
                await error.WriteLineAsync($"error: {problem}");
            return BadSetting;
        }
        await using (app)
            await app.RunAsync();
        return 0;
    }
}
