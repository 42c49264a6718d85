namespace RestoreAgents.DataAgent.Destinations;

/// <summary>How a configured destination reaches its storage account (DataAgent:Destinations:NAME:Credential).</summary>
public enum StorageCredentialKind
{
    /// <summary>Azure.Identity's chain: environment, workload identity, managed identity, then developer logins.</summary>
    DefaultAzureCredential,

    /// <summary>The host's managed identity (system-assigned, or the user-assigned one ManagedIdentityClientId names).</summary>
    ManagedIdentity,

    /// <summary>Kubernetes workload identity (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE).</summary>
    WorkloadIdentity,

    /// <summary>AccountName and its key, read from AccountKeyFile or the variable AccountKeyEnvironment names.</summary>
    AccountKey,

    /// <summary>A connection string, read from ConnectionStringFile or the variable ConnectionStringEnvironment names.</summary>
    ConnectionString,

    /// <summary>No credential of its own: every request must bring a SAS URL for a host of AllowedSasHosts.</summary>
    SasOnly,
}
