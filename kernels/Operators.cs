namespace StructureReps.Kernels;

/// <summary>A binary elementwise function c = a ∘ b.</summary>
public interface IBinaryOperator
{
    float Apply(float a, float b);
}

public readonly struct AddOp : IBinaryOperator { public float Apply(float a, float b) => a + b; }

public readonly struct SubOp : IBinaryOperator { public float Apply(float a, float b) => a - b; }

public readonly struct MulOp : IBinaryOperator { public float Apply(float a, float b) => a * b; }

public readonly struct DivOp : IBinaryOperator { public float Apply(float a, float b) => a / b; }
