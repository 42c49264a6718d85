namespace RestoreAgents.Testing;

/// <summary>What a request to the blob service does, as <see cref="CloudFaultProxy"/> tells them apart.</summary>
public enum CloudRequestKind
{
    /// <summary>Put Page that writes (PUT ?comp=page, x-ms-page-write: update).</summary>
    PutPage,

    /// <summary>Put Page that clears (x-ms-page-write: clear).</summary>
    ClearPages,

    /// <summary>Get Page Ranges (GET ?comp=pagelist).</summary>
    GetPageRanges,

    /// <summary>Put Blob that creates a page blob (PUT, x-ms-blob-type: PageBlob).</summary>
    CreateBlob,

    /// <summary>Get Blob or Get Blob Properties (GET or HEAD on a blob).</summary>
    ReadBlob,

    /// <summary>Anything else: containers, listings, deletes.</summary>
    Other,
}
