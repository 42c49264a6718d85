using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Logging;

namespace RestoreAgents.Hosting.Security;

/// <summary>
/// One line per call that changes something and per denial, on the logger category <see cref="Category"/>:
/// <c>audit: caller=IDENTITY (CREDENTIAL) call=METHOD outcome=allowed|denied|failed WHAT</c>. Values are escaped so a
/// caller cannot forge a line with a control character in a name.
/// </summary>
public sealed class AuditLog(ILoggerFactory loggers)
{
    public const string Category = "RestoreAgents.Audit";

    private readonly ILogger _logger = loggers.CreateLogger(Category);

    public void Write(ClaimsPrincipal? caller, string call, AuditOutcome outcome, string what) =>
        Write(CallerClaims.IdentityOf(caller), CallerClaims.CredentialOf(caller), call, outcome, what);

    public void Write(string caller, string credential, string call, AuditOutcome outcome, string what)
    {
        var level = outcome == AuditOutcome.Allowed ? LogLevel.Information : LogLevel.Warning;
#pragma warning disable CA2254 // the template is fixed; only the escaped values vary
        _logger.Log(level, "audit: caller={Caller} ({Credential}) call={Call} outcome={Outcome} {What}",
            Escape(caller), Escape(credential), Escape(call), outcome.ToString().ToLowerInvariant(), Escape(what));
#pragma warning restore CA2254
    }

    /// <summary>Control characters (a newline would start a forged line) as \xNN.</summary>
    public static string Escape(string value)
    {
        if (!value.Any(char.IsControl)) return value;
        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
            escaped.Append(char.IsControl(c) ? $"\\x{(int)c:x2}" : c);
        return escaped.ToString();
    }
}
