namespace RestoreAgents.Cloud;

/// <summary>What <see cref="PageWriteAnswer.Of"/> makes of a failed page write or clear.</summary>
internal enum PageWriteAnswerKind
{
    /// <summary>The service is over its limit: wait as it asks, slow down, try again until the throttle deadline.</summary>
    Throttled,

    /// <summary>The call or the network faltered: try again after a back-off, up to the configured retries.</summary>
    Transient,

    /// <summary>The request can never succeed as sent: fail at once.</summary>
    Final,
}
