using RestoreAgents.Testing;

namespace RestoreAgents.Cloud.Tests;

/// <summary>xUnit looks for collection definitions in the test assembly only; this one starts Azurite once for it.</summary>
[CollectionDefinition(AzuriteCollection.Name)]
public sealed class AzuriteCollectionDefinition : ICollectionFixture<AzuriteFixture>;
