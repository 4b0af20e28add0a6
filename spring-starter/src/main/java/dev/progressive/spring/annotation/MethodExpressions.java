package dev.progressive.spring.annotation;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.security.Principal;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ClassUtils;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Parses and evaluates the SpEL expressions of Progressive's annotations over a method's arguments, with
 * {@code #request} and {@code #principal}.
 */
final class MethodExpressions {

  private static final ExpressionParser PARSER = new SpelExpressionParser();
  private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();
  private static final boolean WEB = ClassUtils.isPresent(
      "org.springframework.web.context.request.RequestContextHolder", MethodExpressions.class.getClassLoader())
      && ClassUtils.isPresent("jakarta.servlet.http.HttpServletRequest", MethodExpressions.class.getClassLoader());
  private static final boolean SECURITY = ClassUtils.isPresent(
      "org.springframework.security.core.context.SecurityContextHolder", MethodExpressions.class.getClassLoader());

  private MethodExpressions() {
  }

  /**
   * Parses an expression.
   *
   * @throws IllegalArgumentException naming the expression when it does not parse
   */
  static Expression parse(String expression, String what) {
    try {
      return PARSER.parseExpression(expression);
    } catch (ParseException e) {
      throw new IllegalArgumentException(what + " '" + expression + "' is not a valid SpEL expression: "
          + e.getMessage(), e);
    }
  }

  /** Evaluates an expression for one call. */
  static Object evaluate(Expression expression, Object target, Method method, Object[] args) {
    MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(target, method, args, NAMES);
    Object request = WEB ? Web.currentRequest() : null;
    context.setVariable("request", request);
    context.setVariable("principal", principal(request));
    return expression.getValue(context);
  }

  /** The authenticated principal's name, or null. */
  static String principalName() {
    Object principal = principal(WEB ? Web.currentRequest() : null);
    if (principal instanceof Principal p) {
      return p.getName();
    }
    return null;
  }

  private static Object principal(Object request) {
    if (SECURITY) {
      Object authentication = Security.authentication();
      if (authentication != null) {
        return authentication;
      }
    }
    if (request != null) {
      return Web.userPrincipal(request);
    }
    return null;
  }

  /** Kept apart so that the servlet API is needed only when it is present. */
  private static final class Web {
    static Object currentRequest() {
      RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
      return attributes instanceof ServletRequestAttributes servlet ? servlet.getRequest() : null;
    }

    static Principal userPrincipal(Object request) {
      return ((HttpServletRequest) request).getUserPrincipal();
    }
  }

  /** Kept apart so that Spring Security is needed only when it is present. */
  private static final class Security {
    static Object authentication() {
      org.springframework.security.core.Authentication authentication =
          org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication();
      if (authentication == null || !authentication.isAuthenticated()
          || authentication instanceof org.springframework.security.authentication.AnonymousAuthenticationToken) {
        return null;
      }
      return authentication;
    }
  }
}
