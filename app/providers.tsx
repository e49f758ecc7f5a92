"use client";
import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { ApiError } from "@/lib/ui/api";

type Router = ReturnType<typeof useRouter>;

function makeQueryClient(router: Router) {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error) => {
        // The session expired while the page was open: sign in again and come back here.
        if (error instanceof ApiError && error.status === 401 && window.location.pathname !== "/login") {
          const next = window.location.pathname + window.location.search;
          router.replace(`/login?next=${encodeURIComponent(next).replace(/%2F/gi, "/")}`);
        }
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        // Client errors (4xx) will not fix themselves; transient failures get two more tries.
        retry: (failureCount, error) => !(error instanceof ApiError && error.status < 500) && failureCount < 2,
      },
    },
  });
}

export function Providers({ children }: { children: ReactNode }) {
  const router = useRouter();
  const [queryClient] = useState(() => makeQueryClient(router));
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}
