using Diffusion.Rules.Tiers;

namespace Diffusion.Rules.ModelWeights;

/// <summary>An AI model as the 4E091 tests see it.</summary>
/// <param name="Name">The model's name (for reasons and logs; never weights).</param>
/// <param name="TrainingOperations">All training of this model (pre-training plus later training), a base model's included.</param>
/// <param name="WeightsPublished">The weights are published (open).</param>
/// <param name="DerivedFrom">Set when the model was derived from published weights.</param>
/// <param name="SyntheticData">Set when part of the training used unpublished synthetic data from one generator model.</param>
public sealed record ModelDescription(
    string Name,
    TrainingOperations TrainingOperations,
    bool WeightsPublished,
    PublishedBase? DerivedFrom,
    SyntheticDataSource? SyntheticData);

/// <summary>The published model a model was derived from, and the training added to it.</summary>
/// <param name="BaseModelOperations">The published base model's training operations.</param>
/// <param name="AdditionalOperations">The training operations added after the base (fine-tuning and so on).</param>
public sealed record PublishedBase(TrainingOperations BaseModelOperations, TrainingOperations AdditionalOperations);

/// <summary>Unpublished synthetic training data from one generator model.</summary>
/// <param name="Share">Share of this model's training operations spent on that data.</param>
/// <param name="GenerationOperations">Operations the generator spent producing the data.</param>
/// <param name="GeneratorTrainingOperations">The generator's own training operations.</param>
/// <param name="GeneratorWeightsPublished">The generator's weights are published (its training then does not count).</param>
/// <param name="AlreadyCounted">Generator operations already included in the model's training operations (so none counts twice).</param>
public sealed record SyntheticDataSource(
    OperationsShare Share,
    TrainingOperations GenerationOperations,
    TrainingOperations GeneratorTrainingOperations,
    bool GeneratorWeightsPublished,
    TrainingOperations AlreadyCounted);

/// <summary>Who receives the weights and where. Countries are ISO 3166-1 alpha-2 codes already resolved to tiers.</summary>
/// <param name="Destination">Where the weights go.</param>
/// <param name="RecipientHeadquarters">Where the recipient is headquartered.</param>
/// <param name="ParentHeadquarters">Where its ultimate parent is headquartered; null when the recipient is its own ultimate parent.</param>
/// <param name="StorageMeetsSecurityStandards">The storage facility meets Supp. 10 paras 14, 15 and 18.</param>
public sealed record WeightsExport(
    CountryInTier Destination,
    CountryInTier RecipientHeadquarters,
    CountryInTier? ParentHeadquarters,
    bool StorageMeetsSecurityStandards);

/// <summary>A country (ISO 3166-1 alpha-2) and its tier under the rule set in use.</summary>
public sealed record CountryInTier(string Country, Tier Tier)
{
    public override string ToString() => $"{Country} (Tier {(int)Tier})";
}

/// <summary>An infrastructure provider's planned training run for a customer (Red Flag 28).</summary>
/// <param name="CustomerName">The customer (for reasons and logs).</param>
/// <param name="PlannedOperations">The training operations planned.</param>
/// <param name="CustomerHeadquarters">Where the customer is headquartered.</param>
/// <param name="ParentHeadquarters">Where its ultimate parent is headquartered; null when the customer is its own ultimate parent.</param>
public sealed record TrainingRun(
    string CustomerName,
    TrainingOperations PlannedOperations,
    CountryInTier CustomerHeadquarters,
    CountryInTier? ParentHeadquarters);
