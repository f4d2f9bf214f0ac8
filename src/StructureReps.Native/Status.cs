namespace StructureReps.Native;

/// <summary>The C ABI's return codes (include/structurereps.h: SR_OK …). Every call returns one; none throws into the host.</summary>
internal enum Status
{
    Ok = 0,
    /// <summary>A null pointer, an unknown or closed handle, a buffer too small.</summary>
    InvalidArgument = 1,
    /// <summary>A file that does not exist or cannot be read.</summary>
    NotFound = 2,
    /// <summary>Data that is not what was expected: a damaged file, an unsupported network, a non-finite weight.</summary>
    BadInput = 3,
    /// <summary>A probe fitted for another encoder, an embedding of the wrong length.</summary>
    Mismatch = 4,
    /// <summary>A defect of the library or an exhausted resource (memory); the message says which.</summary>
    Internal = 5,
}
