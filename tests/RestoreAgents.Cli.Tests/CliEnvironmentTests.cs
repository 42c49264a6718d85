using Spectre.Console;

namespace RestoreAgents.Cli.Tests;

public sealed class CliEnvironmentTests
{
    [Fact]
    public void NoColor_TurnsColoursOff_EvenOnATerminal()
    {
        var environment = new CliEnvironment(new StringWriter(), new StringWriter(), interactive: true,
            name => name == "NO_COLOR" ? "1" : null);

        Assert.Equal(ColorSystem.NoColors, environment.Console.Profile.Capabilities.ColorSystem);
        Assert.True(environment.IsInteractive);
    }

    [Fact]
    public void WithoutATerminal_OutputIsPlain_AndNotInteractive()
    {
        var output = new StringWriter();
        var environment = new CliEnvironment(output, new StringWriter(), interactive: false, _ => null);

        environment.Console.MarkupLine("[red]failed[/]");

        Assert.False(environment.IsInteractive);
        Assert.Equal("failed", output.ToString().Trim());
    }

    [Fact]
    public void Errors_AreWrittenAsOneLine()
    {
        var error = new StringWriter();

        CliErrors.Write(error, "first line\r\n  second line\nthird");

        Assert.Equal("error: first line second line third" + Environment.NewLine, error.ToString());
    }
}
