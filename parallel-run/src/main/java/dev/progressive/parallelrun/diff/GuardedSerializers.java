package dev.progressive.parallelrun.diff;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.ser.ResolvableSerializer;
import com.fasterxml.jackson.databind.ser.impl.UnknownSerializer;
import com.fasterxml.jackson.databind.ser.impl.UnsupportedTypeSerializer;
import com.fasterxml.jackson.databind.ser.std.BeanSerializerBase;
import com.fasterxml.jackson.databind.type.ArrayType;
import com.fasterxml.jackson.databind.type.CollectionLikeType;
import com.fasterxml.jackson.databind.type.CollectionType;
import com.fasterxml.jackson.databind.type.MapLikeType;
import com.fasterxml.jackson.databind.type.MapType;
import com.fasterxml.jackson.databind.util.NameTransformer;
import java.io.IOException;

/**
 * Wraps every serializer Jackson picks, containers' included, in a guard that sends each value met inside a record
 * or bean back to the {@link TreeConversion} of the call, so that cycles, shared objects and limits are handled
 * there; only the value at the root of a buffer is written by Jackson itself, as its {@link Kind} says.
 */
final class GuardedSerializers {

  private GuardedSerializers() {
  }

  /** The Jackson module that installs the guards. */
  static SimpleModule module() {
    return new SimpleModule("progressive-structural-diff").setSerializerModifier(new Guarding());
  }

  /** A tree already built by the conversion, carried through Jackson's buffer as one embedded value. */
  record Built(Object tree) {
  }

  /** How the guard has a value of one type written when it is the root of a buffer. */
  private enum Kind {
    /** A record or bean: Jackson writes its properties. */
    PROPERTIES,
    /** A type that Jackson writes as a scalar (a date, a UUID, a URI). */
    SCALAR,
    /** A JDK type that Jackson cannot write, such as a {@code java.time} value: its text. */
    TEXT,
    /** An object without properties: compared whole, with its {@code equals}. */
    WHOLE
  }

  /** Wraps every serializer Jackson creates, containers' included, in a {@link Guard}. */
  private static final class Guarding extends BeanSerializerModifier {
    private static final long serialVersionUID = 1L;

    @Override
    public JsonSerializer<?> modifyCollectionSerializer(SerializationConfig config, CollectionType type,
        BeanDescription description, JsonSerializer<?> serializer) {
      return modifySerializer(config, description, serializer);
    }

    @Override
    public JsonSerializer<?> modifyCollectionLikeSerializer(SerializationConfig config, CollectionLikeType type,
        BeanDescription description, JsonSerializer<?> serializer) {
      return modifySerializer(config, description, serializer);
    }

    @Override
    public JsonSerializer<?> modifyMapSerializer(SerializationConfig config, MapType type,
        BeanDescription description, JsonSerializer<?> serializer) {
      return modifySerializer(config, description, serializer);
    }

    @Override
    public JsonSerializer<?> modifyMapLikeSerializer(SerializationConfig config, MapLikeType type,
        BeanDescription description, JsonSerializer<?> serializer) {
      return modifySerializer(config, description, serializer);
    }

    @Override
    public JsonSerializer<?> modifyArraySerializer(SerializationConfig config, ArrayType type,
        BeanDescription description, JsonSerializer<?> serializer) {
      return modifySerializer(config, description, serializer);
    }

    @Override
    public JsonSerializer<?> modifySerializer(SerializationConfig config, BeanDescription description,
        JsonSerializer<?> serializer) {
      if (serializer instanceof Guard) {
        return serializer;
      }
      String packageName = description.getBeanClass().getPackageName();
      boolean jdk = packageName.startsWith("java.") || packageName.startsWith("javax.");
      Kind kind;
      if (serializer instanceof UnknownSerializer) {
        kind = jdk ? Kind.TEXT : Kind.WHOLE;
      } else if (serializer instanceof UnsupportedTypeSerializer || (jdk && serializer instanceof BeanSerializerBase)) {
        kind = Kind.TEXT;
      } else if (serializer instanceof BeanSerializerBase) {
        kind = Kind.PROPERTIES;
      } else {
        kind = Kind.SCALAR;
      }
      @SuppressWarnings("unchecked")
      JsonSerializer<Object> delegate = (JsonSerializer<Object>) serializer;
      return new Guard(delegate, kind);
    }
  }

  /**
   * Sends every value Jackson meets back to the conversion, which returns its tree (or a marker) to be written as one
   * embedded value; only the buffer's own root value is written by Jackson itself.
   */
  private static final class Guard extends JsonSerializer<Object> implements ContextualSerializer,
      ResolvableSerializer {
    private final JsonSerializer<Object> delegate;
    private final Kind kind;

    Guard(JsonSerializer<Object> delegate, Kind kind) {
      this.delegate = delegate;
      this.kind = kind;
    }

    @Override
    public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      Object attribute = provider.getAttribute(TreeConversion.class);
      if (!(attribute instanceof TreeConversion conversion)) {
        delegate.serialize(value, gen, provider);
        return;
      }
      if (!conversion.takeRoot(value)) {
        gen.writeEmbeddedObject(new Built(conversion.convert(value, conversion.rootDepth() + 1)));
        return;
      }
      switch (kind) {
        case TEXT:
          gen.writeString(BoundedTree.safeText(value));
          break;
        case WHOLE:
          gen.writeEmbeddedObject(new Built(new Opaque(value)));
          break;
        default:
          delegate.serialize(value, gen, provider);
      }
    }

    @Override
    public void serializeWithType(Object value, JsonGenerator gen, SerializerProvider provider,
        TypeSerializer typeSerializer) throws IOException {
      serialize(value, gen, provider);
    }

    @Override
    public JsonSerializer<?> createContextual(SerializerProvider provider, BeanProperty property)
        throws JsonMappingException {
      if (!(delegate instanceof ContextualSerializer contextual)) {
        return this;
      }
      JsonSerializer<?> created = contextual.createContextual(provider, property);
      if (created == delegate || created instanceof Guard) {
        return created == delegate ? this : created;
      }
      @SuppressWarnings("unchecked")
      JsonSerializer<Object> next = (JsonSerializer<Object>) created;
      return new Guard(next, kind);
    }

    @Override
    public void resolve(SerializerProvider provider) throws JsonMappingException {
      if (delegate instanceof ResolvableSerializer resolvable) {
        resolvable.resolve(provider);
      }
    }

    @Override
    public JsonSerializer<Object> unwrappingSerializer(NameTransformer unwrapper) {
      JsonSerializer<Object> unwrapping = delegate.unwrappingSerializer(unwrapper);
      return unwrapping == delegate ? this : new Guard(unwrapping, kind);
    }

    @Override
    public boolean isUnwrappingSerializer() {
      return delegate.isUnwrappingSerializer();
    }

    @Override
    public boolean isEmpty(SerializerProvider provider, Object value) {
      return delegate.isEmpty(provider, value);
    }

    @Override
    public boolean usesObjectId() {
      return delegate.usesObjectId();
    }

    @Override
    public Class<Object> handledType() {
      return delegate.handledType();
    }

    @Override
    public JsonSerializer<?> getDelegatee() {
      return delegate;
    }
  }
}
