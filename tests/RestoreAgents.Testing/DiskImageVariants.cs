namespace RestoreAgents.Testing;

/// <summary>
/// Makes every disk-image format and variant backup reads from one raw disk, with real qemu-img. A variant with a
/// parent or backing file gets writes on top, so what it should read back is the raw disk changed by them; qemu-img
/// cannot make differencing VHDs or VHDXs, so test-side writers make those over parents qemu-img made.
/// </summary>
public static class DiskImageVariants
{
    public static readonly IReadOnlyList<DiskImageVariant> All =
    [
        new("raw", "raw", MapsAllocation: false),
        new("vhd-fixed", "vhd-fixed", MapsAllocation: false),
        new("vhd-dynamic", "vhd-dynamic", MapsAllocation: true),
        new("vhd-differencing", "vhd-differencing", MapsAllocation: true),
        new("vhdx", "vhdx", MapsAllocation: true),
        new("vhdx-fixed", "vhdx-fixed", MapsAllocation: true),
        new("vhdx-differencing", "vhdx-differencing", MapsAllocation: true),
        new("vmdk-monolithic-sparse", "vmdk-monolithic-sparse", MapsAllocation: true),
        new("vmdk-stream-optimized", "vmdk-stream-optimized", MapsAllocation: true),
        new("vmdk-monolithic-flat", "vmdk-monolithic-flat", MapsAllocation: false),
        new("vmdk-2gb-sparse", "vmdk-2gb-sparse", MapsAllocation: true),
        new("qcow2", "qcow2", MapsAllocation: true),
        new("qcow2-v2", "qcow2", MapsAllocation: true),
        new("qcow2-compressed", "qcow2", MapsAllocation: true),
        new("qcow2-zstd", "qcow2", MapsAllocation: true),
        new("qcow2-extended-l2", "qcow2", MapsAllocation: true),
        new("qcow2-backing", "qcow2", MapsAllocation: true),
    ];

    public static DiskImageVariant Named(string name) => All.Single(variant => variant.Name == name);

    /// <summary>The writes put on top of a parent or backing disk: sector-aligned, some spanning blocks, one
    /// covering a whole 1 MiB block.</summary>
    public static readonly IReadOnlyList<(long Offset, int Length, byte Fill)> Writes =
    [
        (4096, 8192, 0xab),
        (8L << 20, 1 << 20, 0x5a),
        ((2L << 20) - 1024, 3072, 0xcd),
        (20L << 20, 65536 + 512, 0xef),
    ];

    /// <summary>Makes <paramref name="variant"/> of <paramref name="raw"/> in <paramref name="folder"/>; returns the
    /// image to back up and the raw disk it should read as.</summary>
    public static async Task<(string Image, string Expected)> CreateAsync(DiskImageVariant variant, string raw, string folder)
    {
        var image = Path.Combine(folder, $"{variant.Name}.img");
        switch (variant.Name)
        {
            case "raw":
                File.Copy(raw, image);
                return (image, raw);
            case "vhd-differencing":
                var parent = Path.Combine(folder, "vhd-parent.vhd");
                await ConvertAsync(raw, parent, "vpc", "subformat=dynamic,force_size=on");
                await DifferencingVhdWriter.CreateAsync(image, parent, Writes);
                return (image, await ExpectedAsync(raw, folder, variant.Name));
            case "vhdx-differencing":
                var vhdxParent = Path.Combine(folder, "vhdx-parent.vhdx");
                await ConvertAsync(raw, vhdxParent, "vhdx", "block_size=1M");
                await DifferencingVhdxWriter.CreateAsync(image, vhdxParent, Writes);
                return (image, await ExpectedAsync(raw, folder, variant.Name));
            case "qcow2-backing":
                var backing = Path.Combine(folder, "qcow2-base.qcow2");
                await ConvertAsync(raw, backing, "qcow2", null);
                await QemuImg.RunAsync("create", "-q", "-f", "qcow2", "-b", Path.GetFileName(backing), "-F", "qcow2", image);
                foreach (var (offset, length, fill) in Writes)
                    await ProcessRunner.RunCheckedAsync("qemu-io", "-c", $"write -P 0x{fill:x2} {offset} {length}", image);
                return (image, await ExpectedAsync(raw, folder, variant.Name));
        }
        var (format, options, compress) = variant.Name switch
        {
            "vhd-fixed" => ("vpc", "subformat=fixed,force_size=on", false),
            "vhd-dynamic" => ("vpc", "subformat=dynamic,force_size=on", false),
            "vhdx" => ("vhdx", "block_size=1M", false),
            "vhdx-fixed" => ("vhdx", "subformat=fixed", false),
            "vmdk-monolithic-sparse" => ("vmdk", "subformat=monolithicSparse", false),
            "vmdk-stream-optimized" => ("vmdk", "subformat=streamOptimized", false),
            "vmdk-monolithic-flat" => ("vmdk", "subformat=monolithicFlat", false),
            "vmdk-2gb-sparse" => ("vmdk", "subformat=twoGbMaxExtentSparse", false),
            "qcow2" => ("qcow2", null, false),
            "qcow2-v2" => ("qcow2", "compat=0.10", false),
            "qcow2-compressed" => ("qcow2", null, true),
            "qcow2-zstd" => ("qcow2", "compression_type=zstd", true),
            "qcow2-extended-l2" => ("qcow2", "extended_l2=on", false),
            _ => throw new ArgumentException($"no such variant: {variant.Name}"),
        };
        await ConvertAsync(raw, image, format, options, compress);
        return (image, raw);
    }

    private static Task ConvertAsync(string raw, string image, string format, string? options, bool compress = false)
    {
        var arguments = new List<string> { "convert", "-q", "-f", "raw", "-O", format };
        if (options is not null) arguments.AddRange(["-o", options]);
        if (compress) arguments.Add("-c");
        arguments.AddRange([raw, image]);
        return QemuImg.RunAsync([.. arguments]);
    }

    // The raw disk with the writes applied, as the image should read.
    private static async Task<string> ExpectedAsync(string raw, string folder, string name)
    {
        var expected = Path.Combine(folder, $"{name}.expected.raw");
        File.Copy(raw, expected);
        await using var file = new FileStream(expected, FileMode.Open, FileAccess.Write);
        foreach (var (offset, length, fill) in Writes)
        {
            file.Position = offset;
            await file.WriteAsync(Enumerable.Repeat(fill, length).ToArray());
        }
        return expected;
    }
}
