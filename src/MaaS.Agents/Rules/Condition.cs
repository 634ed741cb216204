namespace MaaS.Agents.Rules;

/// <summary>A compiled condition, evaluated against one context and one action.</summary>
internal abstract class Condition
{
    public abstract bool Evaluate(double[] context, ActionInput action);
}

internal sealed class ConstantCondition(bool value) : Condition
{
    public override bool Evaluate(double[] context, ActionInput action) => value;
}

internal sealed class NotCondition(Condition inner) : Condition
{
    public override bool Evaluate(double[] context, ActionInput action) => !inner.Evaluate(context, action);
}

internal sealed class AndCondition(Condition left, Condition right) : Condition
{
    public override bool Evaluate(double[] context, ActionInput action) => left.Evaluate(context, action) && right.Evaluate(context, action);
}

internal sealed class OrCondition(Condition left, Condition right) : Condition
{
    public override bool Evaluate(double[] context, ActionInput action) => left.Evaluate(context, action) || right.Evaluate(context, action);
}

internal enum Comparison
{
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
}

/// <summary>A numeric operand: a constant, a context feature or an action feature.</summary>
internal abstract class NumberOperand
{
    public abstract double Value(double[] context, ActionInput action);
}

internal sealed class ConstantNumber(double value) : NumberOperand
{
    public override double Value(double[] context, ActionInput action) => value;
}

internal sealed class ContextFeature(int index) : NumberOperand
{
    public override double Value(double[] context, ActionInput action) => context[index];
}

internal sealed class ActionFeature(int index) : NumberOperand
{
    public override double Value(double[] context, ActionInput action) => action.Features[index];
}

internal sealed class NumberComparison(NumberOperand left, Comparison op, NumberOperand right) : Condition
{
    public override bool Evaluate(double[] context, ActionInput action)
    {
        double l = left.Value(context, action);
        double r = right.Value(context, action);
        return op switch
        {
            Comparison.Less => l < r,
            Comparison.LessOrEqual => l <= r,
            Comparison.Greater => l > r,
            Comparison.GreaterOrEqual => l >= r,
            Comparison.Equal => l == r,
            _ => l != r,
        };
    }
}

/// <summary><c>action.id == "name"</c> or <c>!=</c>: the only string comparison.</summary>
internal sealed class ActionIdComparison(string id, bool equal) : Condition
{
    public override bool Evaluate(double[] context, ActionInput action) => string.Equals(action.Id, id, StringComparison.Ordinal) == equal;
}
