using Azure.Core;
using Azure.Identity;
using RestoreAgents.Cloud;

namespace RestoreAgents.DataAgent.Destinations;

/// <summary>
/// Makes a <see cref="StorageDestination"/> from its settings: reads its secret (a file only its owner may read,
/// or an environment variable), builds its credential and its one account client. Sends no request and fetches no
/// token. Every failure is one line naming the setting (DataAgent:Destinations:NAME:...), never the secret.
/// </summary>
internal static class StorageDestinationFactory
{
    /// <exception cref="ArgumentException">A setting is missing, contradicts another, or its secret cannot be read.</exception>
    public static StorageDestination Create(string name, StorageDestinationOptions options, CloudOptions cloud,
        Func<string, string?> environment)
    {
        var setting = $"{DataAgentOptions.Section}:Destinations:{name}";
        try
        {
            if (ConfiguredName.Problem(name) is { } problem)
                throw new ArgumentException(problem);
            var kind = options.Credential ?? throw new ArgumentException(
                $"Credential is missing; it is one of {string.Join(", ", Enum.GetNames<StorageCredentialKind>())}");
            var patterns = options.AllowedSasHosts.Select(Pattern).ToList();
            if (options.Kind == DestinationKind.ManagedDisk && kind != StorageCredentialKind.SasOnly)
                throw new ArgumentException($"Kind is ManagedDisk, so Credential must be SasOnly (a managed disk is "
                    + $"written only through the SAS its grant-access hands out), not {kind}");
            if (kind == StorageCredentialKind.SasOnly && patterns.Count == 0)
                throw new ArgumentException("Credential is SasOnly, so AllowedSasHosts must name the hosts its SAS "
                    + "URLs may name");

            StorageAccountClient? account = null;
            if (kind != StorageCredentialKind.SasOnly || !string.IsNullOrWhiteSpace(options.BlobEndpoint))
            {
                var endpoint = Endpoint(options);
                if (kind != StorageCredentialKind.SasOnly)
                    account = new StorageAccountClient(Credentials(kind, endpoint, options, environment), cloud);
            }
            return new StorageDestination(name, account, patterns, options.AllowPlaintext, cloud)
            {
                Kind = options.Kind,
            };
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{setting}: {e.Message.TrimEnd('.')}", e);
        }
    }

    private static SasHostPattern Pattern(string text)
    {
        try
        {
            return SasHostPattern.Parse(text);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"AllowedSasHosts: {e.Message}", e);
        }
    }

    private static Uri Endpoint(StorageDestinationOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.BlobEndpoint))
            throw new ArgumentException("BlobEndpoint is missing (e.g. https://ACCOUNT.blob.core.windows.net)");
        if (!Uri.TryCreate(options.BlobEndpoint.Trim(), UriKind.Absolute, out var endpoint)
            || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
            throw new ArgumentException($"BlobEndpoint '{options.BlobEndpoint}' is not an https:// URL");
        if (endpoint.Scheme == Uri.UriSchemeHttp && !options.AllowPlaintext)
            throw new ArgumentException($"BlobEndpoint {endpoint} is plaintext http; set AllowPlaintext=true for "
                + "development (Azurite), never for a real account");
        return endpoint;
    }

    private static StorageCredentials Credentials(StorageCredentialKind kind, Uri endpoint,
        StorageDestinationOptions options, Func<string, string?> environment) => kind switch
    {
        StorageCredentialKind.AccountKey => new SharedKeyCredentials(endpoint,
            options.AccountName ?? throw new ArgumentException("AccountName is missing (Credential is AccountKey)"),
            Secret("AccountKey", options.AccountKeyFile, options.AccountKeyEnvironment, environment)),
        StorageCredentialKind.ConnectionString => new ConnectionStringCredentials(
            Secret("ConnectionString", options.ConnectionStringFile, options.ConnectionStringEnvironment, environment)),
        StorageCredentialKind.ManagedIdentity => Token(endpoint, "managed identity",
            new ManagedIdentityCredential(string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
                ? ManagedIdentityId.SystemAssigned
                : ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId.Trim()))),
        StorageCredentialKind.WorkloadIdentity => Token(endpoint, "workload identity",
            new WorkloadIdentityCredential(WorkloadIdentity(environment))),
        StorageCredentialKind.DefaultAzureCredential => Token(endpoint, "DefaultAzureCredential identity",
            new DefaultAzureCredential(new DefaultAzureCredentialOptions
            {
                ManagedIdentityClientId = string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
                    ? null
                    : options.ManagedIdentityClientId.Trim(),
            })),
        _ => throw new ArgumentException($"Credential {kind} is not a kind this data agent knows"),
    };

    private static TokenCredentials Token(Uri endpoint, string description, TokenCredential credential) =>
        new(endpoint, credential, description);

    /// <summary>What Kubernetes' workload identity webhook sets; missing, the identity could never sign in.</summary>
    private static WorkloadIdentityCredentialOptions WorkloadIdentity(Func<string, string?> environment)
    {
        string[] needed = ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_FEDERATED_TOKEN_FILE"];
        var missing = needed.Where(variable => string.IsNullOrWhiteSpace(environment(variable))).ToList();
        if (missing.Count > 0)
            throw new ArgumentException($"Credential is WorkloadIdentity, but {string.Join(", ", missing)} "
                + "is not set in the data agent's environment");
        return new WorkloadIdentityCredentialOptions
        {
            TenantId = environment("AZURE_TENANT_ID"),
            ClientId = environment("AZURE_CLIENT_ID"),
            TokenFilePath = environment("AZURE_FEDERATED_TOKEN_FILE"),
        };
    }

    /// <summary>The secret from exactly one of a file (owner-only) and an environment variable.</summary>
    private static string Secret(string what, string? file, string? variable, Func<string, string?> environment)
    {
        bool hasFile = !string.IsNullOrWhiteSpace(file), hasVariable = !string.IsNullOrWhiteSpace(variable);
        if (hasFile == hasVariable)
            throw new ArgumentException(hasFile
                ? $"give {what}File or {what}Environment, not both"
                : $"{what}File or {what}Environment is required (Credential is {what})");
        if (hasFile)
            return SecretFile.Read(file!.Trim(), $"{what}File");
        var value = environment(variable!.Trim());
        return string.IsNullOrWhiteSpace(value)
            ? throw new ArgumentException($"{what}Environment names {variable}, which is not set in the data "
                + "agent's environment")
            : value.Trim();
    }
}
