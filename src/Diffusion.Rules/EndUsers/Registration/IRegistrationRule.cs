namespace Diffusion.Rules.EndUsers.Registration;

/// <summary>One registration rule. Adds a reason for every way the VEU fails it; adds nothing when it passes.</summary>
public interface IRegistrationRule
{
    /// <summary>Stable code of the rule, used as the code of its reasons.</summary>
    string Id { get; }

    /// <summary>Tests the VEU and adds a refusal reason for each failure.</summary>
    void Evaluate(RegistrationContext context, ICollection<Reason> refusals);
}
