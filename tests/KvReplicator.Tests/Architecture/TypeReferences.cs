using System.Reflection;
using System.Reflection.Emit;

namespace KvReplicator.Tests.Architecture;

/// <summary>A type that another type uses, and where: "field _ledger", "SendAsync: IL calls SecretReplicator.ReplicateAsync".</summary>
internal readonly record struct TypeReference(Type Type, string Via);

/// <summary>
/// Every type a compiled type uses: its base type and interfaces, fields, properties, events, method and
/// constructor signatures, generic constraints, custom attributes (with their typeof arguments), locals, catch
/// clauses, and what its method bodies name in IL (calls, field accesses, typeof, casts, newobj, calli
/// signatures). Nested types are types of their own here, so the state machine of an async method and the
/// closure class of a lambda are read like any other. A constant is the exception: the compiler copies its value
/// into the IL, so a use of another type's <c>const</c> leaves no trace (SourceImports checks the using lines).
/// </summary>
internal static class TypeReferences
{
    private const BindingFlags Declared =
        BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    private static readonly Dictionary<short, OpCode> s_opCodes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(opCode => opCode.Value);

    public static List<TypeReference> Of(Type type)
    {
        var found = new List<TypeReference>();
        void Add(Type? used, string via)
        {
            foreach (Type part in Parts(used))
            {
                found.Add(new TypeReference(part, via));
            }
        }

        Add(type.BaseType, "base type");
        foreach (Type implemented in type.GetInterfaces())
        {
            Add(implemented, "interface");
        }

        AddConstraints(type.IsGenericTypeDefinition ? type.GetGenericArguments() : [], "generic constraint", Add);
        AddAttributes(type.GetCustomAttributesData(), "attribute", Add);

        foreach (FieldInfo field in type.GetFields(Declared))
        {
            Add(field.FieldType, $"field {field.Name}");
            AddAttributes(field.GetCustomAttributesData(), $"attribute of field {field.Name}", Add);
        }

        foreach (PropertyInfo property in type.GetProperties(Declared))
        {
            Add(property.PropertyType, $"property {property.Name}");
            AddAttributes(property.GetCustomAttributesData(), $"attribute of property {property.Name}", Add);
        }

        foreach (EventInfo @event in type.GetEvents(Declared))
        {
            Add(@event.EventHandlerType, $"event {@event.Name}");
        }

        foreach (MethodBase method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            AddMethod(type, method, Add);
        }

        return found;
    }

    /// <summary>The types a use of <paramref name="type"/> depends on: itself, or the element and generic argument types it is built from.</summary>
    public static IEnumerable<Type> Parts(Type? type)
    {
        if (type is null || type.IsGenericParameter)
        {
            yield break;
        }

        if (type.HasElementType)
        {
            foreach (Type part in Parts(type.GetElementType()))
            {
                yield return part;
            }

            yield break;
        }

        if (type.IsFunctionPointer)
        {
            foreach (Type part in type.GetFunctionPointerParameterTypes().Prepend(type.GetFunctionPointerReturnType()).SelectMany(Parts))
            {
                yield return part;
            }

            yield break;
        }

        if (type.IsConstructedGenericType)
        {
            yield return type.GetGenericTypeDefinition();
            foreach (Type part in type.GetGenericArguments().SelectMany(Parts))
            {
                yield return part;
            }

            yield break;
        }

        yield return type;
    }

    private static void AddMethod(Type type, MethodBase method, Action<Type?, string> add)
    {
        string name = method.Name;
        AddAttributes(method.GetCustomAttributesData(), $"attribute of {name}", add);
        if (method is MethodInfo info)
        {
            add(info.ReturnType, $"{name} returns");
            AddAttributes(info.ReturnParameter.GetCustomAttributesData(), $"attribute of {name}'s return", add);
            AddConstraints(info.IsGenericMethodDefinition ? info.GetGenericArguments() : [], $"generic constraint of {name}", add);
        }

        foreach (ParameterInfo parameter in method.GetParameters())
        {
            add(parameter.ParameterType, $"{name} parameter {parameter.Name}");
            AddAttributes(parameter.GetCustomAttributesData(), $"attribute of {name} parameter {parameter.Name}", add);
        }

        MethodBody? body = method.GetMethodBody();
        if (body is null)
        {
            return;
        }

        foreach (LocalVariableInfo local in body.LocalVariables)
        {
            add(local.LocalType, $"{name} local");
        }

        foreach (ExceptionHandlingClause clause in body.ExceptionHandlingClauses.Where(clause => clause.Flags == ExceptionHandlingClauseOptions.Clause))
        {
            add(clause.CatchType, $"{name} catch");
        }

        AddInstructions(type, method, body.GetILAsByteArray() ?? [], add);
    }

    /// <summary>Walks the IL instruction by instruction (operand sizes from <see cref="OpCodes"/>) and resolves every metadata token operand.</summary>
    private static void AddInstructions(Type type, MethodBase method, byte[] il, Action<Type?, string> add)
    {
        Type[]? typeArguments = type.IsGenericType ? type.GetGenericArguments() : null;
        Type[]? methodArguments = method is MethodInfo { IsGenericMethod: true } generic ? generic.GetGenericArguments() : null;
        int offset = 0;
        while (offset < il.Length)
        {
            OpCode opCode = il[offset] == 0xFE
                ? s_opCodes[unchecked((short)(0xFE00 | il[offset + 1]))]
                : s_opCodes[il[offset]];
            offset += opCode.Size;
            switch (opCode.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    offset += 1;
                    break;
                case OperandType.InlineVar:
                    offset += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    offset += 8;
                    break;
                case OperandType.InlineSwitch:
                    offset += 4 + (4 * BitConverter.ToInt32(il, offset));
                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    AddMember(method.Module.ResolveMember(BitConverter.ToInt32(il, offset), typeArguments, methodArguments), $"{method.Name}: IL {opCode.Name}", add);
                    offset += 4;
                    break;
                case OperandType.InlineSig:
                    foreach (Type used in SignatureTypes.Of(method.Module, method.Module.ResolveSignature(BitConverter.ToInt32(il, offset)), typeArguments, methodArguments))
                    {
                        add(used, $"{method.Name}: IL {opCode.Name} signature");
                    }

                    offset += 4;
                    break;
                default: // InlineI, InlineBrTarget, InlineString, ShortInlineR
                    offset += 4;
                    break;
            }
        }
    }

    private static void AddMember(MemberInfo? member, string via, Action<Type?, string> add)
    {
        switch (member)
        {
            case Type type:
                add(type, $"{via} {type.Name}");
                break;
            case FieldInfo field:
                add(field.DeclaringType, $"{via} {field.DeclaringType?.Name}.{field.Name}");
                add(field.FieldType, $"{via} {field.DeclaringType?.Name}.{field.Name}");
                break;
            case MethodBase called:
                string name = $"{via} {called.DeclaringType?.Name}.{called.Name}";
                add(called.DeclaringType, name);
                if (called is MethodInfo info)
                {
                    add(info.ReturnType, name);
                    foreach (Type argument in info.IsGenericMethod ? info.GetGenericArguments() : [])
                    {
                        add(argument, name);
                    }
                }

                foreach (ParameterInfo parameter in called.GetParameters())
                {
                    add(parameter.ParameterType, name);
                }

                break;
            default:
                throw new InvalidOperationException($"{via}: a token resolved to {member?.GetType().Name ?? "nothing"}");
        }
    }

    private static void AddConstraints(Type[] genericParameters, string via, Action<Type?, string> add)
    {
        foreach (Type constraint in genericParameters.SelectMany(parameter => parameter.GetGenericParameterConstraints()))
        {
            add(constraint, via);
        }
    }

    private static void AddAttributes(IEnumerable<CustomAttributeData> attributes, string via, Action<Type?, string> add)
    {
        foreach (CustomAttributeData attribute in attributes)
        {
            add(attribute.AttributeType, via);
            foreach (CustomAttributeTypedArgument argument in attribute.ConstructorArguments.Concat(attribute.NamedArguments.Select(named => named.TypedValue)))
            {
                add(argument.ArgumentType, via);
                foreach (object? value in argument.Value is IEnumerable<CustomAttributeTypedArgument> values ? values.Select(v => v.Value) : [argument.Value])
                {
                    if (value is Type typeOf)
                    {
                        add(typeOf, $"{via} typeof");
                    }
                }
            }
        }
    }
}
