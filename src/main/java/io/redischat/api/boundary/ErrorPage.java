package io.redischat.api.boundary;

import java.io.IOException;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The error page of the whole application (see {@code WEB-INF/web.xml}): what the container refuses by itself
 * (a path under WEB-INF, a method the static files do not take, an exception outside JAX-RS) gets the API's
 * error shape ({@code ErrorResponse}, written by hand: the reasons are fixed ASCII) instead of the server's HTML
 * page with its name, and passes the security headers filter.
 */
@WebServlet(urlPatterns = "/error")
public class ErrorPage extends HttpServlet {

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int status = HttpServletResponse.SC_NOT_FOUND;
        if (request.getDispatcherType() == DispatcherType.ERROR
                && request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code) {
            status = code;
        }
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        String error = ErrorResponses.describe(status);
        response.getWriter().write("{\"success\":false,\"error\":\"" + error + "\"}");
    }
}
