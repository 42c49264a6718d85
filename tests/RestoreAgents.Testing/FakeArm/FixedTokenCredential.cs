using Azure.Core;

namespace RestoreAgents.Testing.FakeArm;

/// <summary>An Azure identity that signs in nowhere: one fixed bearer token, for a fake Resource Manager.</summary>
public sealed class FixedTokenCredential : TokenCredential
{
    public const string Token = "fake-arm-token";

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(Token, DateTimeOffset.UtcNow.AddHours(1));

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext,
        CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
}
