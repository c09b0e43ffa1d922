using System.Reflection;

namespace KvReplicator.Tests.Architecture;

/// <summary>
/// The types named in a signature blob (ECMA-335 II.23.2): the stand-alone method signature of a <c>calli</c>,
/// or a locals or field signature. Reflection hands such an operand over as bytes only.
/// </summary>
internal static class SignatureTypes
{
    private const int TypeDefTable = 0x02000000;
    private const int TypeRefTable = 0x01000000;
    private const int TypeSpecTable = 0x1B000000;

    public static List<Type> Of(Module module, byte[] signature, Type[]? typeArguments, Type[]? methodArguments)
    {
        var reader = new Reader(module, signature, typeArguments, methodArguments);
        reader.ReadSignature();
        return reader.Found;
    }

    private sealed class Reader(Module module, byte[] blob, Type[]? typeArguments, Type[]? methodArguments)
    {
        private int _offset;

        public List<Type> Found { get; } = [];

        public void ReadSignature()
        {
            byte header = blob[_offset++];
            switch (header & 0x0F)
            {
                case 0x06: // FIELD
                    ReadType();
                    break;
                case 0x07: // LOCAL_SIG
                    int locals = ReadCompressed();
                    for (int i = 0; i < locals; i++)
                    {
                        ReadType();
                    }

                    break;
                default: // a method: DEFAULT, C, STDCALL, THISCALL, FASTCALL, VARARG, UNMANAGED
                    ReadMethodAfterHeader(header);
                    break;
            }
        }

        private void ReadMethodAfterHeader(byte header)
        {
            if ((header & 0x10) != 0)
            {
                ReadCompressed(); // generic parameter count
            }

            int parameters = ReadCompressed();
            ReadType(); // return type
            for (int i = 0; i < parameters; i++)
            {
                ReadType();
            }
        }

        private void ReadType()
        {
            byte element = blob[_offset++];
            switch (element)
            {
                case 0x0F or 0x10 or 0x1D or 0x45: // PTR, BYREF, SZARRAY, PINNED
                    ReadType();
                    break;
                case 0x41: // SENTINEL (varargs): the next parameter follows
                    ReadType();
                    break;
                case 0x11 or 0x12: // VALUETYPE, CLASS
                    Found.Add(ReadTypeToken());
                    break;
                case 0x13 or 0x1E: // VAR, MVAR
                    int index = ReadCompressed();
                    Type[]? arguments = element == 0x13 ? typeArguments : methodArguments;
                    if (arguments is not null && index < arguments.Length)
                    {
                        Found.Add(arguments[index]);
                    }

                    break;
                case 0x14: // ARRAY: type rank sizes lower-bounds
                    ReadType();
                    ReadCompressed();
                    int sizes = ReadCompressed();
                    for (int i = 0; i < sizes; i++)
                    {
                        ReadCompressed();
                    }

                    int bounds = ReadCompressed();
                    for (int i = 0; i < bounds; i++)
                    {
                        ReadCompressed();
                    }

                    break;
                case 0x15: // GENERICINST (CLASS | VALUETYPE) token count args
                    _offset++;
                    Found.Add(ReadTypeToken());
                    int count = ReadCompressed();
                    for (int i = 0; i < count; i++)
                    {
                        ReadType();
                    }

                    break;
                case 0x1B: // FNPTR
                    ReadMethodAfterHeader(blob[_offset++]);
                    break;
                case 0x1F or 0x20: // CMOD_REQD, CMOD_OPT
                    Found.Add(ReadTypeToken());
                    ReadType();
                    break;
                default: // primitives, string, object, typedref
                    break;
            }
        }

        private Type ReadTypeToken()
        {
            int coded = ReadCompressed();
            int table = (coded & 0x3) switch
            {
                0 => TypeDefTable,
                1 => TypeRefTable,
                2 => TypeSpecTable,
                _ => throw new InvalidOperationException($"Not a TypeDefOrRefOrSpec index: {coded}"),
            };
            return module.ResolveType(table | (coded >> 2), typeArguments, methodArguments);
        }

        /// <summary>An unsigned compressed integer: 1, 2 or 4 bytes, big-endian.</summary>
        private int ReadCompressed()
        {
            byte first = blob[_offset];
            if ((first & 0x80) == 0)
            {
                _offset += 1;
                return first;
            }

            if ((first & 0xC0) == 0x80)
            {
                int two = ((first & 0x3F) << 8) | blob[_offset + 1];
                _offset += 2;
                return two;
            }

            int four = ((first & 0x1F) << 24) | (blob[_offset + 1] << 16) | (blob[_offset + 2] << 8) | blob[_offset + 3];
            _offset += 4;
            return four;
        }
    }
}
