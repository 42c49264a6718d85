using RestoreAgents.Cloud.ManagedDisks;

namespace RestoreAgents.Cloud.Tests.ManagedDisks;

/// <summary>Azure's rules for a disk filled by direct upload: size, upload rate, and how long its SAS must last.</summary>
public sealed class ManagedDiskRulesTests
{
    private const long MiB = 1024 * 1024;
    private const long TiB = 1024 * 1024 * MiB;

    [Theory]
    [InlineData(21 * MiB, 21 * MiB + 512)]
    [InlineData(21 * MiB + 1, 22 * MiB + 512)]
    [InlineData(24 * MiB + 4096, 25 * MiB + 512)]
    public void UploadBytes_AreTheDiskInWholeMiB_PlusTheFooter(long diskSize, long expected) =>
        Assert.Equal(expected, ManagedDiskRules.UploadBytesFor(diskSize));

    [Theory]
    [InlineData(20 * MiB + 512, null)]
    [InlineData(32 * TiB + 512, null)]
    [InlineData(19 * MiB + 512, "below")]
    [InlineData(32 * TiB + MiB + 512, "above")]
    [InlineData(21 * MiB, "whole number of MiB")]
    public void UploadSize_IsAzuresRange(long uploadBytes, string? problem)
    {
        var found = ManagedDiskRules.UploadSizeProblem(uploadBytes);

        if (problem is null) Assert.Null(found);
        else Assert.Contains(problem, found);
    }

    [Theory]
    [InlineData(4 * TiB + 512, 60)]
    [InlineData(4 * TiB + MiB + 512, 300)]
    [InlineData(8 * TiB + 512, 300)]
    [InlineData(16 * TiB + 512, 500)]
    [InlineData(32 * TiB + 512, 500)]
    public void TheRate_IsTheStandardHddTiers(long uploadBytes, long mebibytesPerSecond) =>
        Assert.Equal(mebibytesPerSecond * MiB, ManagedDiskRules.UploadBytesPerSecond(uploadBytes));

    [Fact]
    public void A1TiBUpload_At60MiBs_NeedsASasOfAbout5Hours_AndAQuarterMore()
    {
        var predicted = ManagedDiskRules.PredictedUpload(1 * TiB, 2 * TiB + 512);

        Assert.Equal(TimeSpan.FromSeconds((double)TiB / (60 * MiB)), predicted);
        Assert.Equal(predicted * 1.25, ManagedDiskRules.RequiredSasLifetime(predicted));
        Assert.Equal(TimeSpan.FromMinutes(15), ManagedDiskRules.RequiredSasLifetime(TimeSpan.Zero));
    }

    [Fact]
    public void AGrantAccessSas_HasAStoredPolicy_AndNeitherPermissionsNorExpiry()
    {
        var grant = BlobSasGrant.Of("https://md-impexp-abc.blob.core.windows.net/xyz/abcd?sv=2018-03-28&sr=b"
            + "&si=0f0e6e6c-3b4c-4a5e-9c1e-2d0b1c5f1b11&sig=c2ln");

        Assert.True(grant.IsForOneBlob);
        Assert.Equal("0f0e6e6c-3b4c-4a5e-9c1e-2d0b1c5f1b11", grant.Policy);
        Assert.Null(grant.Permissions);
        Assert.Null(grant.ExpiresOn);
        Assert.False(grant.Lacks('w'));
    }

    [Fact]
    public void ASasWithItsOwnTerms_SaysWhatItLacks_AndWhenItEnds()
    {
        var grant = BlobSasGrant.Of("https://acct.blob.core.windows.net/c/b?sv=2024-08-04&sr=b&sp=r"
            + "&se=2026-12-01T10%3A00%3A00Z&sig=c2ln");

        Assert.True(grant.Lacks('w'));
        Assert.False(grant.Lacks('r'));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero), grant.ExpiresOn);
    }
}
