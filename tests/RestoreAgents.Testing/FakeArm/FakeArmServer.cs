using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Azure.Core.Pipeline;
using Azure.ResourceManager;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RestoreAgents.Testing.FakeArm;

/// <summary>
/// A loopback HTTPS server answering the managed-disk calls of Azure Resource Manager as Azure's REST reference
/// documents them (Compute, Disks): Create Or Update (PUT, 202 with Azure-AsyncOperation, then polled), Get (with
/// properties.diskState), Grant Access (POST beginGetAccess, 202 with Location, polled until 200 with accessSAS) and
/// Revoke Access (POST endGetAccess, 202 with Location, polled until 200). Every operation answers "in progress"
/// once before it completes, so a client must really poll. It keeps the disks it knows and every request it got.
/// No emulator of Azure's control plane exists; this is the stand-in the tests use.
/// </summary>
public sealed class FakeArmServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ArmRequest> _requests = new();
    private readonly ConcurrentDictionary<string, JsonObject> _disks = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Operation> _operations = new();
    private readonly Lock _gate = new();

    private FakeArmServer(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        Certificate = certificate;
    }

    /// <summary>The self-signed certificate the server presents: a client trusts exactly this one.</summary>
    public X509Certificate2 Certificate { get; }

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>What grant-access hands out as accessSAS.</summary>
    public string AccessSas { get; set; } = "https://md-impexp-test.blob.core.windows.net/disk/abcd?sv=2018-03-28&sr=b&si=grant&sig=c2ln";

    /// <summary>A status beginGetAccess answers with instead of granting (e.g. 409), or null to grant.</summary>
    public int? GrantFailsWith { get; set; }

    /// <summary>
    /// Runs when a disk is created, with its uploadSizeBytes, before the create completes: where a test makes the
    /// disk's data path (an Azurite page blob of that size) and sets <see cref="AccessSas"/> to its SAS.
    /// </summary>
    public Func<long, Task>? OnCreate { get; set; }

    public IReadOnlyList<ArmRequest> Requests => [.. _requests];

    /// <summary>
    /// A Resource Manager client of this server, as restorectl would make one for Azure: signed with
    /// <see cref="FixedTokenCredential"/>, trusting exactly this server's certificate, without retries.
    /// </summary>
    public ArmClient CreateClient()
    {
        var options = new ArmClientOptions
        {
            Environment = new ArmEnvironment(Endpoint, "https://management.azure.com/"),
            Transport = new HttpClientTransport(new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
                    certificate?.Thumbprint == Certificate.Thumbprint,
            }),
        };
        options.Retry.MaxRetries = 0;
        return new ArmClient(new FixedTokenCredential(), null, options);
    }

    public static async Task<FakeArmServer> StartAsync()
    {
        var certificate = SelfSigned();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var server = new FakeArmServer(app, certificate);
        app.Run(server.AnswerAsync);
        await app.StartAsync();
        server.Endpoint = new Uri(app.Urls.Single());
        return server;
    }

    /// <summary>A disk that already exists, as a test sets it up (e.g. ReadyToUpload, or Unattached).</summary>
    public void AddDisk(string id, string diskState, long uploadBytes)
    {
        var name = id[(id.LastIndexOf('/') + 1)..];
        _disks[id] = Disk(id, name, "westeurope", "Standard_LRS", diskState,
            new JsonObject { ["createOption"] = "Upload", ["uploadSizeBytes"] = uploadBytes });
    }

    /// <summary>The disk's diskState now, or null when it does not exist.</summary>
    public string? StateOf(string id) =>
        _disks.TryGetValue(id, out var disk) ? (string?)disk["properties"]!["diskState"] : null;

    private async Task AnswerAsync(HttpContext context)
    {
        var request = context.Request;
        JsonNode? body = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
            body = await JsonNode.ParseAsync(request.Body);
        var authorization = request.Headers.Authorization.ToString();
        var token = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : null;
        var path = request.Path.Value ?? "";
        _requests.Enqueue(new ArmRequest(request.Method, path, request.Query["api-version"], body, token));

        if (token is null)
        {
            await Error(context, 401, "AuthenticationFailed", "no bearer token");
            return;
        }
        if (path.StartsWith("/operations/", StringComparison.Ordinal))
        {
            await PollAsync(context, path["/operations/".Length..]);
            return;
        }

        const string getAccess = "/beginGetAccess", endAccess = "/endGetAccess";
        if (request.Method == "PUT")
            await CreateAsync(context, path, body);
        else if (request.Method == "GET" && _disks.TryGetValue(path, out var disk))
            await context.Response.WriteAsJsonAsync(disk);
        else if (request.Method == "POST" && path.EndsWith(getAccess, StringComparison.Ordinal))
            await GrantAsync(context, path[..^getAccess.Length]);
        else if (request.Method == "POST" && path.EndsWith(endAccess, StringComparison.Ordinal))
            await RevokeAsync(context, path[..^endAccess.Length]);
        else
            await Error(context, 404, "ResourceNotFound", $"The Resource '{path}' was not found.");
    }

    private async Task CreateAsync(HttpContext context, string id, JsonNode? body)
    {
        var properties = body?["properties"];
        var creation = properties?["creationData"]?.DeepClone() as JsonObject ?? [];
        var disk = Disk(id, id[(id.LastIndexOf('/') + 1)..], (string?)body?["location"] ?? "",
            (string?)body?["sku"]?["name"] ?? "Standard_LRS",
            (string?)creation["createOption"] == "Upload" ? "ReadyToUpload" : "Unattached", creation);
        if (OnCreate is { } onCreate)
            await onCreate((long?)creation["uploadSizeBytes"] ?? 0);
        var operation = Start(() => _disks[id] = disk, result: null, asyncOperation: true);
        context.Response.StatusCode = 202;
        context.Response.Headers["Azure-AsyncOperation"] = OperationUrl(operation);
        context.Response.Headers.RetryAfter = "0";
        await context.Response.WriteAsJsonAsync(disk);
    }

    private async Task GrantAsync(HttpContext context, string id)
    {
        if (!_disks.ContainsKey(id))
        {
            await Error(context, 404, "ResourceNotFound", $"The Resource '{id}' was not found.");
            return;
        }
        if (GrantFailsWith is { } status)
        {
            await Error(context, status, "OperationNotAllowed", "grant refused by the test");
            return;
        }
        var operation = Start(() => SetState(id, "ActiveUpload"), new JsonObject { ["accessSAS"] = AccessSas },
            asyncOperation: false);
        Accepted(context, operation);
    }

    private async Task RevokeAsync(HttpContext context, string id)
    {
        if (!_disks.ContainsKey(id))
        {
            await Error(context, 404, "ResourceNotFound", $"The Resource '{id}' was not found.");
            return;
        }
        // Ending the upload's access turns the disk into an ordinary one, as Azure does.
        Accepted(context, Start(() => SetState(id, "Unattached"), result: null, asyncOperation: false));
    }

    private async Task PollAsync(HttpContext context, string operationId)
    {
        if (!_operations.TryGetValue(operationId, out var operation))
        {
            await Error(context, 404, "NotFound", $"no operation {operationId}");
            return;
        }
        bool done;
        lock (_gate)
        {
            done = operation.Polls++ > 0;
            if (done && !operation.Completed)
            {
                operation.Complete();
                operation.Completed = true;
            }
        }
        context.Response.Headers.RetryAfter = "0";
        if (operation.IsAsyncOperation)
        {
            await context.Response.WriteAsJsonAsync(new JsonObject { ["status"] = done ? "Succeeded" : "InProgress" });
            return;
        }
        if (!done)
        {
            context.Response.StatusCode = 202;
            context.Response.Headers.Location = OperationUrl(operationId);
            return;
        }
        if (operation.Result is { } result)
            await context.Response.WriteAsJsonAsync(result);
    }

    /// <param name="asyncOperation">Polled at its Azure-AsyncOperation URL (a status body), not at a Location.</param>
    private string Start(Action complete, JsonObject? result, bool asyncOperation)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        _operations[id] = new Operation(complete, result, asyncOperation);
        return id;
    }

    private void Accepted(HttpContext context, string operation)
    {
        context.Response.StatusCode = 202;
        context.Response.Headers.Location = OperationUrl(operation);
        context.Response.Headers.RetryAfter = "0";
    }

    private string OperationUrl(string operation) => new Uri(Endpoint, $"/operations/{operation}").ToString();

    private void SetState(string id, string state) => _disks[id]["properties"]!["diskState"] = state;

    private static JsonObject Disk(string id, string name, string location, string sku, string state,
        JsonObject creation) => new()
    {
        ["id"] = id,
        ["name"] = name,
        ["type"] = "Microsoft.Compute/disks",
        ["location"] = location,
        ["sku"] = new JsonObject { ["name"] = sku },
        ["properties"] = new JsonObject
        {
            ["creationData"] = creation,
            ["diskState"] = state,
            ["provisioningState"] = "Succeeded",
        },
    };

    private static Task Error(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
        });
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Certificate.Dispose();
    }

    private sealed class Operation(Action complete, JsonObject? result, bool asyncOperation)
    {
        public int Polls { get; set; }
        public bool Completed { get; set; }
        public bool IsAsyncOperation => asyncOperation;
        public JsonObject? Result => result;
        public void Complete() => complete();
    }
}
