using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text.Json;
using RestoreAgents.Caching;
using RestoreAgents.Files;

namespace RestoreAgents.DataAgent.Journal;

/// <summary>
/// One job's journal: a small append-only file in the job's cache folder that keeps the job's request and the pages
/// known to be in the cloud. Each checkpoint appends one record and syncs it to disk (fsync) before it counts.
/// </summary>
/// <remarks>
/// Format, version 1: the 8 bytes "RAJRNL01", then records of [u32 payload length][u8 kind][payload][u32 CRC-32 of
/// the length, kind and payload], little-endian. The first record is the request (kind 1, JSON); each later one a
/// list of page ranges stored since the one before (kind 2, a u32 count of [i64 first, i64 end) pairs), or a mark
/// that the job was resumed (kind 3, empty). A write torn
/// by a crash leaves a short or mis-summed record at the tail: reading stops there, the checkpoint before it holds,
/// and the file is cut back to it before anything is appended.
/// </remarks>
internal sealed class JobJournal : IDisposable
{
    public const string FileName = "journal";
    private const int MaxPayload = 16 * 1024 * 1024;
    private const byte RequestKind = 1;
    private const byte PagesKind = 2;
    private const byte ResumedKind = 3;
    private static readonly byte[] Magic = "RAJRNL01"u8.ToArray();

    private readonly FileStream _file;
    private readonly RangeSet _storedPages;

    private JobJournal(string path, FileStream file, JournaledRequest request, RangeSet storedPages, long tornBytes,
        int resumes)
    {
        Resumes = resumes;
        Path = path;
        _file = file;
        Request = request;
        _storedPages = storedPages;
        TornBytes = tornBytes;
    }

    public string Path { get; }

    public JournaledRequest Request { get; }

    /// <summary>Times the job was resumed from this journal (<see cref="AppendResumed"/>).</summary>
    public int Resumes { get; private set; }

    /// <summary>Bytes cut from the tail when it was opened: a record a crash tore (0 for a clean file).</summary>
    public long TornBytes { get; }

    /// <summary>The pages recorded as stored, as page-number ranges.</summary>
    public IReadOnlyList<LongRange> StoredPages
    {
        get
        {
            lock (_storedPages) return [.. Enumerable.Range(0, _storedPages.Count).Select(i => _storedPages[i])];
        }
    }

    /// <summary>Starts the journal of a new job in <paramref name="folder"/> (made 0700; the file is 0600), synced.</summary>
    public static JobJournal Create(string folder, JournaledRequest request)
    {
        OwnerOnlyFiles.CreateFolder(folder);
        var path = System.IO.Path.Combine(folder, FileName);
        var file = new FileStream(path, OwnerOnlyFiles.CreateNew(FileAccess.ReadWrite));
        try
        {
            var journal = new JobJournal(path, file, request, new RangeSet(), tornBytes: 0, resumes: 0);
            var json = JsonSerializer.SerializeToUtf8Bytes(request, JournalJsonContext.Default.JournaledRequest);
            file.Write(Magic);
            journal.AppendRecord(RequestKind, json);
            return journal;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>True when <paramref name="folder"/> holds a journal file (readable or not).</summary>
    public static bool ExistsIn(string folder) => File.Exists(System.IO.Path.Combine(folder, FileName));

    /// <summary>Reads the journal in <paramref name="folder"/>, cuts a torn tail off, and keeps it open to append.</summary>
    /// <exception cref="JournalCorruptException">The header or the request record is damaged.</exception>
    public static JobJournal Open(string folder)
    {
        var path = System.IO.Path.Combine(folder, FileName);
        var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        try
        {
            var bytes = new byte[file.Length];
            file.ReadExactly(bytes);
            if (bytes.Length < Magic.Length || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
                throw new JournalCorruptException(path, 0, "it does not start with RAJRNL01 (not a journal of this version)");

            int position = Magic.Length;
            if (!TryReadRecord(bytes, ref position, out var kind, out var payload) || kind != RequestKind)
                throw new JournalCorruptException(path, Magic.Length, "the request record is torn or damaged");
            var request = Parse(path, payload);

            var stored = new RangeSet();
            int good = position, resumes = 0;
            while (TryReadRecord(bytes, ref position, out kind, out payload)
                && (kind == PagesKind ? TryAddPages(payload, stored) : kind == ResumedKind && payload.IsEmpty))
            {
                if (kind == ResumedKind) resumes++;
                good = position;
            }
            if (good < bytes.Length)
            {
                file.SetLength(good);
                file.Flush(flushToDisk: true);
            }
            file.Seek(good, SeekOrigin.Begin);
            return new JobJournal(path, file, request, stored, bytes.Length - good, resumes);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Records pages as stored and syncs the record to disk before it returns.</summary>
    public void AppendPages(IReadOnlyList<LongRange> pages)
    {
        if (pages.Count == 0) return;
        var payload = new byte[4 + pages.Count * 16];
        BinaryPrimitives.WriteUInt32LittleEndian(payload, (uint)pages.Count);
        for (int i = 0; i < pages.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(4 + i * 16), pages[i].Start);
            BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(12 + i * 16), pages[i].End);
        }
        AppendRecord(PagesKind, payload);
        lock (_storedPages)
        {
            foreach (var range in pages) _storedPages.Add(range.Start, range.End);
        }
    }

    /// <summary>Marks one more resume of the job, synced.</summary>
    public void AppendResumed()
    {
        AppendRecord(ResumedKind, []);
        Resumes++;
    }

    public void Dispose() => _file.Dispose();

    private void AppendRecord(byte kind, ReadOnlySpan<byte> payload)
    {
        var record = new byte[4 + 1 + payload.Length + 4];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)payload.Length);
        record[4] = kind;
        payload.CopyTo(record.AsSpan(5));
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(5 + payload.Length),
            Crc32.HashToUInt32(record.AsSpan(0, 5 + payload.Length)));
        _file.Write(record);
        // The checkpoint counts only once it is on the disk: a power cut must not lose pages the blob lacks.
        _file.Flush(flushToDisk: true);
    }

    private static bool TryReadRecord(ReadOnlySpan<byte> bytes, ref int position, out byte kind,
        out ReadOnlySpan<byte> payload)
    {
        kind = 0;
        payload = default;
        var rest = bytes[position..];
        if (rest.Length < 9) return false;
        var length = BinaryPrimitives.ReadUInt32LittleEndian(rest);
        if (length > MaxPayload || rest.Length < 9 + (int)length) return false;
        var body = rest[..(5 + (int)length)];
        if (Crc32.HashToUInt32(body) != BinaryPrimitives.ReadUInt32LittleEndian(rest[(5 + (int)length)..])) return false;
        kind = body[4];
        payload = body[5..];
        position += 9 + (int)length;
        return true;
    }

    private static bool TryAddPages(ReadOnlySpan<byte> payload, RangeSet stored)
    {
        if (payload.Length < 4) return false;
        var count = BinaryPrimitives.ReadUInt32LittleEndian(payload);
        if (payload.Length != 4 + (long)count * 16) return false;
        var pages = new LongRange[count];
        for (int i = 0; i < pages.Length; i++)
        {
            pages[i] = new LongRange(BinaryPrimitives.ReadInt64LittleEndian(payload[(4 + i * 16)..]),
                BinaryPrimitives.ReadInt64LittleEndian(payload[(12 + i * 16)..]));
            if (pages[i].Start < 0 || pages[i].End <= pages[i].Start) return false; // all of a record, or none
        }
        foreach (var range in pages) stored.Add(range.Start, range.End);
        return true;
    }

    private static JournaledRequest Parse(string path, ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, JournalJsonContext.Default.JournaledRequest)
                ?? throw new JournalCorruptException(path, Magic.Length, "the request record is empty");
        }
        catch (JsonException e)
        {
            throw new JournalCorruptException(path, Magic.Length, $"the request record is not a request ({e.Message})");
        }
    }
}
