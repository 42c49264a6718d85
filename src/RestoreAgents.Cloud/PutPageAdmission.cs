namespace RestoreAgents.Cloud;

/// <summary>
/// What <see cref="PutPagePacer.Admit"/> decided: a permit, or no permit and how long to wait before asking again
/// (null: until a call in flight ends).
/// </summary>
internal readonly record struct PutPageAdmission(PutPagePermit? Permit, TimeSpan? Wait);
