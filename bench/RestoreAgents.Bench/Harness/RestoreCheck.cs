using Microsoft.Win32.SafeHandles;
using RestoreAgents.Bench.Contenders;
using RestoreAgents.Cloud;
using RestoreAgents.Testing;
using RestoreAgents.Vhd;

namespace RestoreAgents.Bench.Harness;

/// <summary>
/// Checks, after every run and outside its timed window, that what it wrote equals the source disk byte for
/// byte: a blob's written page ranges are read back and compared, and everything outside them must be zeros in
/// the source; a VHD footer must describe the disk; and, when asked, qemu-img compares the downloaded VHD.
/// </summary>
public sealed class RestoreCheck(BenchRig rig, SourceDisk disk)
{
    private const int ChunkSize = 4 * 1024 * 1024;

    public Task VerifyAsync(RestoredOutput output, bool withQemuImg, string scratchFolder,
        CancellationToken cancellationToken) => output switch
    {
        BlobOutput blob => VerifyBlobAsync(blob, withQemuImg, scratchFolder, cancellationToken),
        FileOutput file => VerifyFile(file.Path, cancellationToken),
        _ => throw new ArgumentException($"no check for {output}"),
    };

    private async Task VerifyBlobAsync(BlobOutput output, bool withQemuImg, string scratchFolder,
        CancellationToken cancellationToken)
    {
        var blob = await rig.Blobs.OpenPageBlobAsync(output.BlobName, cancellationToken);
        Expect(blob.Size == disk.DataSize + VhdFooter.Size,
            $"blob {output.BlobName} is {blob.Size} bytes, not {disk.DataSize + VhdFooter.Size}");
        var written = await blob.GetPageRangesAsync(cancellationToken);

        using var image = File.OpenHandle(disk.ImagePath);
        var expected = new byte[ChunkSize];
        var actual = new byte[ChunkSize];
        for (long offset = 0; offset < disk.DataSize; offset += ChunkSize)
        {
            var length = (int)Math.Min(ChunkSize, disk.DataSize - offset);
            ReadImage(image, offset, expected.AsSpan(0, length));
            long end = offset + length;
            if (written.Any(range => range.Offset < end && range.End > offset))
            {
                await blob.ReadAsync(offset, actual.AsMemory(0, length), cancellationToken);
                Expect(expected.AsSpan(0, length).SequenceEqual(actual.AsSpan(0, length)),
                    $"blob {output.BlobName} differs from the source in the 4 MiB at offset {offset}");
            }
            else
            {
                Expect(!expected.AsSpan(0, length).ContainsAnyExcept((byte)0),
                    $"blob {output.BlobName} never got the data of the 4 MiB at offset {offset}");
            }
        }

        if (!output.HasFooter) return;
        var footerBytes = new byte[VhdFooter.Size];
        await blob.ReadAsync(disk.DataSize, footerBytes, cancellationToken);
        var footer = VhdFooter.Parse(footerBytes);
        Expect(footer.CurrentSize == disk.DataSize && footer.DiskType == VhdFooter.FixedDiskType,
            $"blob {output.BlobName} has a footer for a {footer.CurrentSize}-byte disk of type {footer.DiskType}");
        if (withQemuImg)
            await CompareWithQemuImgAsync(blob, output.BlobName, scratchFolder, cancellationToken);
    }

    /// <summary>The outside oracle: qemu-img reads the VHD as Azure would attach it and compares the disks.</summary>
    private async Task CompareWithQemuImgAsync(AzurePageBlob blob, string blobName, string scratchFolder,
        CancellationToken cancellationToken)
    {
        var vhd = Path.Combine(scratchFolder, blobName);
        await blob.DownloadToAsync(vhd, cancellationToken);
        try
        {
            var compare = await QemuImg.CompareAsync(disk.ImagePath, vhd, "raw", "vpc");
            Expect(compare.ExitCode == 0, $"qemu-img compare says blob {blobName} differs: {compare.Combined.Trim()}");
        }
        finally
        {
            File.Delete(vhd);
        }
    }

    private Task VerifyFile(string path, CancellationToken cancellationToken)
    {
        using var image = File.OpenHandle(disk.ImagePath);
        using var restored = File.OpenHandle(path);
        Expect(RandomAccess.GetLength(restored) == disk.DataSize,
            $"page blob {path} is {RandomAccess.GetLength(restored)} bytes, not {disk.DataSize}");
        var expected = new byte[ChunkSize];
        var actual = new byte[ChunkSize];
        for (long offset = 0; offset < disk.DataSize; offset += ChunkSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var length = (int)Math.Min(ChunkSize, disk.DataSize - offset);
            ReadImage(image, offset, expected.AsSpan(0, length));
            ReadImage(restored, offset, actual.AsSpan(0, length));
            Expect(expected.AsSpan(0, length).SequenceEqual(actual.AsSpan(0, length)),
                $"page blob {path} differs from the source in the 4 MiB at offset {offset}");
        }
        return Task.CompletedTask;
    }

    /// <summary>Reads a whole range; past the file's end (the padding to a whole MiB) reads as zeros.</summary>
    private static void ReadImage(SafeFileHandle file, long offset, Span<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int read = RandomAccess.Read(file, buffer, offset);
            if (read == 0)
            {
                buffer.Clear();
                return;
            }
            offset += read;
            buffer = buffer[read..];
        }
    }

    private static void Expect(bool condition, string problem)
    {
        if (!condition) throw new InvalidDataException($"restore check failed: {problem}");
    }
}
