using RestoreAgents.Caching;
using RestoreAgents.DataAgent.Journal;
using RestoreAgents.Files;
using RestoreAgents.Testing;

namespace RestoreAgents.DataAgent.Tests;

/// <summary>
/// The job journal's file: what it keeps comes back as written; a record a crash tore at the tail (short, or not
/// matching its checksum) is cut off and the checkpoint before it holds; a damaged start is refused, naming the file.
/// </summary>
public sealed class JobJournalTests : IDisposable
{
    private readonly TempDirectory _folder = new("journal");

    public void Dispose() => _folder.Dispose();

    internal static JournaledRequest Request(bool usesSas = false) => new()
    {
        JobId = "r-0123456789ab",
        StartedBy = "operator",
        MediaAgent = "backup",
        CopyName = "vm01",
        Destination = "prod",
        Container = "restores",
        BlobName = "vm01.vhd",
        UsesSas = usesSas,
        PageSize = 4096,
        CacheSize = 65536,
        Verify = Protocol.V1.VerifyMode.Readback,
        Overwrite = false,
        DiskSize = 1 << 20,
        AllocatedBytes = 1 << 19,
        DiskSha256 = new string('a', 64),
    };

    private string Folder => _folder.Combine("r-0123456789ab");

    private string FilePath => Path.Combine(Folder, JobJournal.FileName);

    [Fact]
    public void WhatIsAppended_ComesBackWhenOpened()
    {
        using (var journal = JobJournal.Create(Folder, Request()))
        {
            journal.AppendPages([new LongRange(0, 3)]);
            journal.AppendPages([new LongRange(5, 6), new LongRange(3, 4)]);
            journal.AppendResumed();
        }

        using var opened = JobJournal.Open(Folder);

        Assert.Equal(Request(), opened.Request);
        Assert.Equal([new LongRange(0, 4), new LongRange(5, 6)], opened.StoredPages);
        Assert.Equal(1, opened.Resumes);
        Assert.Equal(0, opened.TornBytes);
    }

    [Fact]
    public void AJobStartedWithASas_KeepsThatItDid_AndNoUrl()
    {
        using (JobJournal.Create(Folder, Request(usesSas: true)))
        {
        }

        var text = File.ReadAllText(FilePath);
        Assert.Contains("\"UsesSas\":true", text);
        Assert.DoesNotContain("http", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("sig=", text, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(1)]       // the last byte of the checksum missing
    [InlineData(20)]      // cut inside the page list
    [InlineData(36)]      // only the length and kind left
    public void ATornLastRecord_IsCutOff_AndThePreviousCheckpointHolds(int bytesLost)
    {
        using (var journal = JobJournal.Create(Folder, Request()))
        {
            journal.AppendPages([new LongRange(0, 2)]);
            journal.AppendPages([new LongRange(2, 4), new LongRange(8, 9)]);   // 4 + 1 + 36 + 4 = 45 bytes
        }
        long whole = new FileInfo(FilePath).Length;
        using (var file = File.OpenWrite(FilePath)) file.SetLength(whole - bytesLost);

        using (var opened = JobJournal.Open(Folder))
        {
            Assert.Equal([new LongRange(0, 2)], opened.StoredPages);
            Assert.Equal(45 - bytesLost, opened.TornBytes);
            opened.AppendPages([new LongRange(7, 8)]);   // after the cut, not after the torn bytes
        }

        using var again = JobJournal.Open(Folder);
        Assert.Equal([new LongRange(0, 2), new LongRange(7, 8)], again.StoredPages);
        Assert.Equal(0, again.TornBytes);
    }

    [Fact]
    public void AFlippedBitInTheLastRecord_FailsItsChecksum_AndThePreviousCheckpointHolds()
    {
        using (var journal = JobJournal.Create(Folder, Request()))
        {
            journal.AppendPages([new LongRange(0, 2)]);
            journal.AppendPages([new LongRange(2, 4)]);
        }
        var bytes = File.ReadAllBytes(FilePath);
        bytes[^10] ^= 0x10; // inside the last record's page list
        File.WriteAllBytes(FilePath, bytes);

        using var opened = JobJournal.Open(Folder);

        Assert.Equal([new LongRange(0, 2)], opened.StoredPages);
        Assert.True(opened.TornBytes > 0);
    }

    [Fact]
    public void ADamagedRequestRecord_IsRefused_NamingTheFile()
    {
        using (JobJournal.Create(Folder, Request()))
        {
        }
        var bytes = File.ReadAllBytes(FilePath);
        bytes[20] ^= 0x01;
        File.WriteAllBytes(FilePath, bytes);

        var e = Assert.Throws<JournalCorruptException>(() => JobJournal.Open(Folder));

        Assert.Contains(FilePath, e.Message);
        Assert.Contains("request record", e.Message);
    }

    [Fact]
    public void AFileOfAnotherVersion_IsRefused()
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllBytes(FilePath, "RAJRNL02"u8.ToArray());

        var e = Assert.Throws<JournalCorruptException>(() => JobJournal.Open(Folder));

        Assert.Contains("RAJRNL01", e.Message);
    }

    [Fact]
    public void TheJournal_IsTheOwnersAlone()
    {
        using (JobJournal.Create(Folder, Request()))
        {
        }

        Assert.Equal(OwnerOnlyFiles.FileMode, FileModes.Of(FilePath));
        Assert.Equal(OwnerOnlyFiles.FolderMode, FileModes.Of(Folder));
    }
}
