using Microsoft.Playwright;

namespace Diffusion.AppHost.Tests;

/// <summary>The dashboard in the machine's chromium (headless), driven by Playwright; no browser download.</summary>
[Collection(SystemCollection.Name)]
public sealed class DashboardBrowserTests(SystemFixture system)
{
    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    [Fact]
    public async Task Dashboard_ShowsResources_ConsoleLogs_AndATraceWaterfallAcrossServices()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 30_000,
        });
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(40_000);
        Assertions.SetDefaultExpectTimeout(30_000);   // the machine may be busy: bounded, but not 5 s
        await page.GotoAsync(system.App.DashboardUrl!.ToString());

        // Resources: every one listed, running, with its endpoints.
        foreach (var name in new[] { "redis", "postgres", "ledger", "back", "front" })
        {
            await Assertions.Expect(page.Locator($"#resource-table tr[data-resource='{name}'] td.state-Running")).ToBeVisibleAsync();
        }
        await Assertions.Expect(page.Locator("#resource-table tr[data-resource='front']")).ToContainTextAsync(system.UrlOf("front"));

        // Console logs of a resource, streamed.
        await page.Locator("#resource-table tr[data-resource='front'] a").ClickAsync();
        await Assertions.Expect(page.Locator("#console-lines")).ToContainTextAsync("front-0: ready");

        // A request through front -> back, then its trace as a waterfall with both services.
        await system.Services.GetStringAsync(new Uri(new Uri(system.UrlOf("front")), "/chain"));
        await page.Locator("nav button[data-tab='traces']").ClickAsync();
        var row = page.Locator("#trace-table tbody tr", new PageLocatorOptions { HasTextString = "GET /chain" }).First;
        await Assertions.Expect(row).ToContainTextAsync("back", new LocatorAssertionsToContainTextOptions { Timeout = 45_000 });
        await row.ClickAsync();
        await Assertions.Expect(page.Locator("#waterfall .span-row[data-service='front']").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#waterfall .span-row[data-service='back']").First).ToBeVisibleAsync();

        // Metrics derived from the spans.
        await page.Locator("nav button[data-tab='metrics']").ClickAsync();
        await Assertions.Expect(page.Locator("#metrics-table tbody")).ToContainTextAsync("back");
    }
}
