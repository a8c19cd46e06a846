using System.Text;
using Diffusion.EndUsers.Screening.Matching;

namespace Diffusion.EndUsers.Tests.Screening;

/// <summary>The CSL importer, name normalisation and Jaro-Winkler matching (issue 14).</summary>
public sealed class MatchingTests
{
    private const double Threshold = 0.90;

    private static RestrictedPartyList Shipped() =>
        CslFormat.ParseJson(File.ReadAllBytes(Path.Combine(Diffusion.Rules.RulesDirectory.Locate(), "restricted-parties.json")), null);

    [Fact]
    public void ShippedList_IsCslJson_WithItsPublicationDateAndFederalRegisterCitations()
    {
        var list = Shipped();

        Assert.Equal(new DateTimeOffset(2025, 9, 16, 0, 0, 0, TimeSpan.Zero), list.PublishedAt);
        Assert.Equal(5, list.Entries.Count);
        Assert.All(list.Entries, e => Assert.True(e.OnEntityList));
        Assert.All(list.Entries, e => Assert.Matches(@"\d+ FR \d+", e.FederalRegisterNotice));
        Assert.Contains(list.Entries, e => e.Name == "Semiconductor Manufacturing International Corporation" && e.AltNames.Contains("SMIC") && e.Countries.Contains("CN"));
    }

    [Fact]
    public void Csv_MultiValuedCellsSplitOnSemicolons_CountryFromTheAddress()
    {
        var csv = "_id,source,name,addresses,alt_names,federal_register_notice,license_policy\n" +
                  "x1,Entity List (EL) - Bureau of Industry and Security,\"Acme, Ltd.\",\"1 Road, Shenzhen, CN; 2 Street, Hong Kong, HK\",Acme;ACM,85 FR 1,Presumption of denial\n";

        var list = CslFormat.ParseCsv(csv, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

        var entry = Assert.Single(list.Entries);
        Assert.Equal("Acme, Ltd.", entry.Name);
        Assert.Equal(["Acme", "ACM"], entry.AltNames);
        Assert.Equal(["CN", "HK"], entry.Countries);
        Assert.Equal("Presumption of denial", entry.LicensePolicy);
    }

    [Theory]
    [InlineData("{}", "results")]
    [InlineData("not json", "not JSON")]
    [InlineData("""{ "results": [ { "id": "a", "name": "" } ], "search_performed_at": "2026-01-01" }""", "neither name nor alt_names")]
    [InlineData("""{ "results": [ { "id": "a", "name": "A" } ] }""", "no publication date")]
    public void Json_Malformed_SaysWhat(string json, string problem)
    {
        var e = Assert.Throws<CslFormatException>(() => CslFormat.ParseJson(Encoding.UTF8.GetBytes(json), null));

        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Huawei Technologies Co., Ltd.", "huawei technologies")]
    [InlineData("HUAWEI  TECHNOLOGIES CO LTD", "huawei technologies")]
    [InlineData("S.M.I.C.", "smic")]
    [InlineData("Xi?an Company Ltd", "xian")]
    [InlineData("Société Générale S.A.", "societe generale")]
    [InlineData("Handel Straße GmbH", "handel strasse")]
    [InlineData("ООО Рога и Копыта", "roga i kopyta")]
    [InlineData("The Co., Ltd.", "")]
    [InlineData("Banco de Venezuela", "banco de venezuela")]
    [InlineData("Grupo Industrial S.A. de C.V.", "grupo industrial")]
    [InlineData("Hydro AS", "hydro")]
    [InlineData("As Sahab Trading AB", "as sahab trading")]
    public void Normalize_CaseAccentsPunctuationAndLegalFormsAside(string name, string normal) =>
        Assert.Equal(normal, PartyName.Normalize(name));

    [Theory]
    [InlineData("Huawei Technologies Company Limited", true, true)]
    [InlineData("Technologies Huawei", true, true)]                          // word order
    [InlineData("smic", true, true)]                                         // alias
    [InlineData("Nettrix Informaton Industry (Beijing)", true, false)]      // one letter missing: possible match
    [InlineData("Sophgo Technologys Ltd", true, false)]
    [InlineData("Kuala Lumpur Cloud Sdn Bhd", false, false)]
    [InlineData("Huawen Trading", false, false)]
    [InlineData("Shanghai Cloud Services", false, false)]
    public void Screen_ExactAndNearMatchesAtTheThreshold(string name, bool matches, bool exact)
    {
        var screener = new PartyScreener(Shipped());

        var found = screener.Screen([new ScreenedParty("consignee", name, "", "")], Threshold);

        Assert.Equal(matches, found.Count > 0);
        if (matches)
        {
            Assert.Equal(exact, found[0].Exact);
            Assert.InRange(found[0].Score, Threshold, 1.0);
        }
    }
}
