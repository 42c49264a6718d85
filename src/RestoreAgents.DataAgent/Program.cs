using RestoreAgents.DataAgent;
using RestoreAgents.Hosting;

return await AgentStart.RunAsync(() => DataAgentHost.Build(args), Console.Error);
