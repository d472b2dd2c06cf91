@bgp @ipv4 @ibgp @who-announces @doc-27.2.1
Feature: Who announces, as MetalLB decides it
  A node labelled node.kubernetes.io/exclude-from-external-load-balancers announces nothing (MetalLB
  speaker/bgp_controller.go ShouldAnnounce, internal/k8s/nodes IsNodeExcludedFromBalancers). An
  endpoint that is not ready but still serving (a terminating pod) keeps the announcement, one neither
  ready nor serving does not (internal/k8s/epslices EndpointCanServe). A Service of another
  loadBalancerClass is not ours (internal/k8s/controllers filterByLoadBalancerClass). A Service whose
  status already holds an address (a dump of a live cluster) keeps it (controller/service.go).

  Background:
    Given the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: who
        namespace: metallb-system
      spec:
        addresses:
          - 203.0.113.160/28
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: who
        namespace: metallb-system
      """

  Scenario: a node labelled exclude-from-external-load-balancers stays peered and announces nothing
    Given nodes "NodeA, NodeB" and the router "tor" on one segment
    And the Node "NodeB" is labelled "node.kubernetes.io/exclude-from-external-load-balancers="
    And every node peers with "tor" over iBGP
    And a Service "default/web" requesting "203.0.113.161" with a ready endpoint on "NodeA, NodeB"
    When the speaker runs on every node
    Then every node's session with "tor" is Established
    And "tor" has exactly these routes:
      | prefix           | next hops | origin | as path | local pref | communities |
      | 203.0.113.161/32 | NodeA     | IGP    | empty   | unset      | none        |

  Scenario: serving endpoints, another loadBalancerClass and an address held in the Service's status
    Given nodes "NodeA" and the router "tor" on one segment
    And every node peers with "tor" over iBGP
    And the manifests:
      """yaml
      apiVersion: v1
      kind: List
      metadata:
        resourceVersion: ""
      items:
        - apiVersion: v1
          kind: Service
          metadata:
            name: held
            namespace: default
            uid: 0b1c2d3e-0000-4000-8000-000000000001
            resourceVersion: "4711"
          spec:
            type: LoadBalancer
            clusterIP: 10.96.0.10
            ports: [{port: 80, protocol: TCP}]
          status:
            loadBalancer:
              ingress:
                - ip: 203.0.113.170
                  ipMode: VIP
        - apiVersion: discovery.k8s.io/v1
          kind: EndpointSlice
          metadata:
            name: held-1
            namespace: default
            labels: {kubernetes.io/service-name: held}
          addressType: IPv4
          endpoints:
            - addresses: [10.244.0.10]
              nodeName: NodeA
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: terminating
        namespace: default
        annotations: {metallb.io/loadBalancerIPs: 203.0.113.162}
      spec:
        type: LoadBalancer
        ports: [{port: 80}]
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata:
        name: terminating-1
        namespace: default
        labels: {kubernetes.io/service-name: terminating}
      addressType: IPv4
      endpoints:
        - addresses: [10.244.0.11]
          nodeName: NodeA
          conditions: {ready: false, serving: true, terminating: true}
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: not-serving
        namespace: default
        annotations: {metallb.io/loadBalancerIPs: 203.0.113.163}
      spec:
        type: LoadBalancer
        ports: [{port: 80}]
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata:
        name: not-serving-1
        namespace: default
        labels: {kubernetes.io/service-name: not-serving}
      addressType: IPv4
      endpoints:
        - addresses: [10.244.0.12]
          nodeName: NodeA
          conditions: {ready: false, serving: false}
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: other-class
        namespace: default
        annotations: {metallb.io/loadBalancerIPs: 203.0.113.164}
      spec:
        type: LoadBalancer
        loadBalancerClass: example.com/another-lb
        ports: [{port: 80}]
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata:
        name: other-class-1
        namespace: default
        labels: {kubernetes.io/service-name: other-class}
      addressType: IPv4
      endpoints:
        - addresses: [10.244.0.13]
          nodeName: NodeA
      """
    When the speaker runs on every node
    Then every node's session with "tor" is Established
    And "tor" has exactly these routes:
      | prefix           | next hops | origin | as path | local pref | communities |
      | 203.0.113.162/32 | NodeA     | IGP    | empty   | unset      | none        |
      | 203.0.113.170/32 | NodeA     | IGP    | empty   | unset      | none        |
