namespace RestoreAgents.DiskImages.Tests;

/// <summary>Reads an image the way a backup does: opens it, walks its allocated extents and reads them.</summary>
internal static class ImageReading
{
    public static async Task<long> ReadAllocatedAsync(string path)
    {
        using var image = await DiskImageReader.OpenAsync(path);
        var buffer = new byte[1 << 20];
        await foreach (var extent in image.GetAllocatedExtentsAsync(0, image.Size))
            for (var at = extent.Offset; at < extent.End; at += buffer.Length)
                await image.ReadAsync(at, buffer.AsMemory(0, (int)Math.Min(buffer.Length, extent.End - at)));
        return image.BytesRead;
    }

    /// <summary>Asserts the read fails with <typeparamref name="T"/> naming <paramref name="file"/> and
    /// <paramref name="offset"/>; returns the message.</summary>
    public static async Task<string> AssertFailsAsync<T>(string path, string file, long offset) where T : DiskImageException
    {
        var error = await Assert.ThrowsAsync<T>(() => ReadAllocatedAsync(path));
        Assert.Equal(file, error.ImagePath);
        Assert.Equal(offset, error.Offset);
        Assert.Contains($"disk image '{file}'", error.Message);
        Assert.Contains($"at offset {offset}:", error.Message);
        return error.Message;
    }
}
