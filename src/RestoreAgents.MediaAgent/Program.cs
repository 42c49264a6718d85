using RestoreAgents.MediaAgent;

await MediaAgentHost.Build(args).RunAsync();
