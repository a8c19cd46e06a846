using Diffusion.Quota.Reservations;
using Diffusion.Quota.Storage;
using Proto = Diffusion.Quota.V1;

namespace Diffusion.Quota.Tests.Storage;

/// <summary>
/// Reservation states and outcomes have one home, the C# enums: the proto, the ledger's CHECK constraints, its SQL
/// and the Redis scripts all carry the same numbers.
/// </summary>
[Collection(QuotaCollection.Name)]
public sealed class ReservationNumbersTests(RedisFixture redis, PostgresFixture postgres) : QuotaTestBase(redis, postgres)
{
    [Fact]
    public void States_AndOutcomes_HaveTheProtoNumbers()
    {
        foreach (var state in Enum.GetValues<ReservationState>())
        {
            var proto = Enum.Parse<Proto.ReservationState>(state.ToString());
            Assert.Equal((int)state, (int)proto);
        }

        foreach (var outcome in Enum.GetValues<ReserveOutcome>())
        {
            Assert.Equal((int)outcome, (int)Enum.Parse<Proto.ReserveOutcome>(outcome.ToString()));
        }

        // Every proto value but UNSPECIFIED has a domain value.
        Assert.Equal(Enum.GetValues<Proto.ReservationState>().Length - 1, Enum.GetValues<ReservationState>().Length);
        Assert.Equal(Enum.GetValues<Proto.ReserveOutcome>().Length - 1, Enum.GetValues<ReserveOutcome>().Length);
    }

    [Fact]
    public async Task LedgerChecks_AdmitExactlyTheEnumRanges()
    {
        await StartNodeAsync();
        var states = Enum.GetValues<ReservationState>().Select(s => (int)s).ToList();
        var outcomes = Enum.GetValues<ReserveOutcome>().Select(o => (int)o).ToList();
        Assert.Equal(Enumerable.Range(states.Min(), states.Count), states);
        Assert.Equal(Enumerable.Range(outcomes.Min(), outcomes.Count), outcomes);

        var stateCheck = await ScalarAsync<string>(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'reservations'::regclass AND pg_get_constraintdef(oid) LIKE '%(state >=%'");
        var outcomeCheck = await ScalarAsync<string>(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'reservations'::regclass AND pg_get_constraintdef(oid) LIKE '%(outcome >=%'");
        Assert.Equal($"CHECK (((state >= {states.Min()}) AND (state <= {states.Max()})))", stateCheck);
        Assert.Equal($"CHECK (((outcome >= {outcomes.Min()}) AND (outcome <= {outcomes.Max()})))", outcomeCheck);
    }

    [Fact]
    public void SqlAndScripts_CarryNoStateLiteral()
    {
        // The statements compare states only with numbers written in from the enum: change the enum and they follow.
        Assert.Contains($"r.state = {(int)ReservationState.Pending}", LedgerStatements.Transition, StringComparison.Ordinal);
        Assert.Contains($"THEN {(int)ReservationState.Expired}", LedgerStatements.Transition, StringComparison.Ordinal);
        Assert.Contains($"state <> {(int)ReservationState.Refused}", LedgerStatements.Insert, StringComparison.Ordinal);
        Assert.Contains($"state ~= '{(int)ReservationState.Pending}'", RedisScripts.Apply, StringComparison.Ordinal);
        Assert.Contains($"outcome == {(int)ReserveOutcome.Reserved} and {(int)ReservationState.Pending} or {(int)ReservationState.Refused}", RedisScripts.Reserve, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", RedisScripts.Reserve + RedisScripts.Apply, StringComparison.Ordinal);
    }
}
