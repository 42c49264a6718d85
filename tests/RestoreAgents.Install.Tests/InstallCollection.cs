namespace RestoreAgents.Install.Tests;

/// <summary>One machine, one install: every install test shares it, one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class InstallCollection : ICollectionFixture<InstalledPackages>
{
    public const string Name = "Installed packages";
}
