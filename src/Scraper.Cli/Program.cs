using Scraper.Cli;

return await ScraperCli.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
