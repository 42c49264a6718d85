using Microsoft.Extensions.Logging;
using RestoreAgents.Hosting.Security;

namespace RestoreAgents.Security.Tests;

public sealed class AuditLogTests
{
    [Fact]
    public void ALine_NamesCallerCallAndOutcome_AndANewlineInANameCannotForgeAnother()
    {
        var recorder = new LogRecorder(AuditLog.Category);
        using var loggers = LoggerFactory.Create(logging => logging.AddProvider(recorder));

        new AuditLog(loggers).Write("eve\naudit: caller=alice", "F00D", "/x/Cancel", AuditOutcome.Denied, "job=r-1");

        Assert.Equal(@"audit: caller=eve\x0aaudit: caller=alice (F00D) call=/x/Cancel outcome=denied job=r-1",
            Assert.Single(recorder.Lines));
    }
}
