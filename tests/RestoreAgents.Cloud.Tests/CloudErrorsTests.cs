using Azure;

namespace RestoreAgents.Cloud.Tests;

/// <summary>The service's answers, status and error code, as the failures an operator acts on.</summary>
public sealed class CloudErrorsTests
{
    private const string Endpoint = "https://acct.blob.core.windows.net";

    private static CloudDestinationException Translate(int status, string? code, bool usesSas = false,
        bool createdIfNoneMatch = false)
    {
        var location = new BlobLocation(Endpoint, "restores", "disk.vhd", $"{Endpoint}/restores/disk.vhd",
            usesSas, usesSas ? "check that the SAS is for this container" : "check the account name and key");
        var answer = new RequestFailedException(status, "the service's own text", code, innerException: null);
        return new CloudErrors(location, new CloudOptions()).Translate(answer, "create a 1048576-byte",
            createdIfNoneMatch: createdIfNoneMatch);
    }

    [Theory]
    [InlineData(404, "ContainerNotFound", CloudFailure.ContainerNotFound)]
    [InlineData(404, "BlobNotFound", CloudFailure.BlobNotFound)]
    [InlineData(404, "ResourceNotFound", CloudFailure.Rejected)]
    [InlineData(404, null, CloudFailure.Rejected)]
    [InlineData(409, "BlobAlreadyExists", CloudFailure.BlobAlreadyExists)]
    [InlineData(409, "LeaseIdMissing", CloudFailure.Rejected)]
    [InlineData(403, "AuthenticationFailed", CloudFailure.AccessDenied)]
    [InlineData(503, "ServerBusy", CloudFailure.ServiceBusy)]
    [InlineData(400, "InvalidHeaderValue", CloudFailure.Rejected)]
    public void Translate_MatchesTheStatus_AndTheBlobErrorCode(int status, string? code, CloudFailure failure)
    {
        var e = Translate(status, code);

        Assert.Equal(failure, e.Failure);
        Assert.Equal(status, e.Status);
        Assert.Equal(code, e.ErrorCode);
        Assert.Contains(code is null ? $"({status})" : $"({status} {code})", e.Message);
        Assert.DoesNotContain("the service's own text", e.Message);
    }

    [Theory]
    [InlineData(409, "BlobAlreadyExists")]
    [InlineData(412, "ConditionNotMet")]
    public void Translate_OfACreateThatMustNotReplace_SaysTheBlobExists_AndHowToReplaceIt(int status, string code)
    {
        var e = Translate(status, code, createdIfNoneMatch: true);

        Assert.Equal(CloudFailure.BlobAlreadyExists, e.Failure);
        Assert.Equal("Could not create a 1048576-byte page blob 'disk.vhd' in container 'restores' at "
            + $"{Endpoint}: the blob already exists ({status} {code}); restore with overwrite to replace it.", e.Message);
    }

    [Fact]
    public void Translate_OfASasLackingAPermission_NamesThePermissionItNeeds()
    {
        var e = Translate(403, "AuthorizationPermissionMismatch", usesSas: true);

        Assert.Equal(CloudFailure.AccessDenied, e.Failure);
        Assert.Contains("the SAS does not allow this (403 AuthorizationPermissionMismatch); it needs read, create "
            + "and write (rcw) permissions", e.Message);
    }
}
