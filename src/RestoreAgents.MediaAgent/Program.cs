using RestoreAgents.Hosting;
using RestoreAgents.MediaAgent;

return await AgentStart.RunAsync(() => MediaAgentHost.Build(args), Console.Error);
