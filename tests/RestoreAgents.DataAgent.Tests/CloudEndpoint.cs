using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.DataAgent.Tests;

/// <summary>Destinations on loopback ports with no storage service behind them: no Azurite needed.</summary>
internal static class CloudEndpoint
{
    /// <summary>A destination whose connections are refused: the job fails at its first cloud call.</summary>
    public static PageBlobDestination Refusing() => At(FreePort.Next());

    /// <summary>A destination whose first cloud call waits until the job is cancelled.</summary>
    public static PageBlobDestination At(SilentEndpoint silent) => At(silent.Port);

    private static PageBlobDestination At(int port) => new()
    {
        // The emulator's well-known development account: a syntactically valid key that guards nothing.
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName={AzuriteFixture.AccountName};"
            + $"AccountKey={AzuriteFixture.AccountKey};BlobEndpoint=http://127.0.0.1:{port}/{AzuriteFixture.AccountName};",
        Container = "restores",
        BlobName = "vm01.vhd",
    };
}
